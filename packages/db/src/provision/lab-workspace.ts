import pg from 'pg';
import type { DataparkConfig } from '@datapark/config';
import { POSTGRES_ROLE_USERS, postgresUrl } from '@datapark/config';
import { LAB_READS, LAB_SCHEMA } from '../schema/layout.js';

export interface LabWorkspaceNames {
  /** The Data Park database. */
  readonly database: string;
  /** Login names: the migration owner (owns the schemas) and the learner's role. */
  readonly owner: string;
  readonly lab: string;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The learner's workspace, as SQL run by the bootstrap superuser after the migrations: a `lab`
 * schema owned by the owner, where the `lab` role may create tables (it owns what it creates),
 * and read access for that role to `source`, `raw` and `processed`, including tables the owner
 * creates there later. Nothing else: no write outside `lab`, no `quality`/`etl`, no `public`.
 * Every statement is idempotent.
 *
 * Not a migration: the schema holds the learner's own tables, which no migration's `down` may
 * drop, and its grants change with the role list rather than with the data model.
 *
 * @example
 * ```ts
 * labWorkspaceStatements({ database: 'datapark', owner: 'datapark_owner', lab: 'lab' })[0];
 * // CREATE SCHEMA IF NOT EXISTS "lab" AUTHORIZATION "datapark_owner"
 * ```
 */
export function labWorkspaceStatements(names: LabWorkspaceNames): readonly string[] {
  const lab = quote(names.lab);
  const owner = quote(names.owner);
  const schema = quote(LAB_SCHEMA);
  const reads = LAB_READS.map(quote).join(', ');
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`,
    `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${lab}`,
    `GRANT USAGE ON SCHEMA ${reads} TO ${lab}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${reads} TO ${lab}`,
    // Tables a later migration creates in those schemas stay readable.
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${reads} GRANT SELECT ON TABLES TO ${lab}`,
    // `CREATE TABLE orders_by_day (…)` from psql or a DAG lands in lab, not in refused public.
    `ALTER ROLE ${lab} IN DATABASE ${quote(names.database)} SET search_path = ${schema}`,
  ];
}

/** {@link labWorkspaceStatements} for this platform, run as the bootstrap superuser. */
export async function provisionLabWorkspace(config: DataparkConfig): Promise<void> {
  postgresUrl(config, 'admin'); // throws, naming the key and the fix, when the password is missing
  const { host, port, database } = config.postgres;
  const { user, password } = config.postgres.roles.admin;
  const admin = new pg.Client({ host, port, database, user, password });
  await admin.connect();
  try {
    const statements = labWorkspaceStatements({
      database: config.postgres.database,
      owner: POSTGRES_ROLE_USERS.owner,
      lab: POSTGRES_ROLE_USERS.lab,
    });
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}
