import type { PostgresRole } from '@datapark/config';
import { POSTGRES_ROLES } from '@datapark/config';
import { provisionDatabase } from '@datapark/db';
import type { ComponentContext } from '@datapark/platform';
import { generateSecret } from '../secrets.js';
import { NAME } from './binaries.js';

/** Generates the passwords not yet in the endpoints file, and publishes them first. */
export function ensurePasswords(ctx: ComponentContext): void {
  const missing: Partial<Record<PostgresRole, { password: string }>> = {};
  for (const role of POSTGRES_ROLES) {
    if (!ctx.config.postgres.roles[role].password) missing[role] = { password: generateSecret() };
  }
  if (Object.keys(missing).length > 0) ctx.publish({ postgres: { roles: missing } });
  // The lake's catalog role (iceberg) is no component's: its password lives with the lake's keys.
  if (!ctx.config.lake.catalogPassword)
    ctx.publish({ lake: { catalogPassword: generateSecret() } });
}

/** Roles, databases (`datapark`, `airflow`), migrations, the lab and analytics schemas, the lake catalog's role and schema, through @datapark/db. */
export async function provisionPostgres(ctx: ComponentContext): Promise<void> {
  ctx.reporter.step(
    NAME,
    'creating roles and databases, running migrations, the lab, analytics and iceberg schemas',
  );
  await provisionDatabase(ctx.config);
}
