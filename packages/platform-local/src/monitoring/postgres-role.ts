import pg from 'pg';
import type { DataparkConfig } from '@datapark/config';
import { postgresUrl } from '@datapark/config';

/** The login the PostgreSQL exporter uses: statistics only, no table of any database. */
export const MONITOR_ROLE = 'datapark_monitor';

/**
 * Creates (or updates the password of) the exporter's role: a member of `pg_monitor` (every
 * statistics view and function, nothing else), allowed to connect to the `postgres` database
 * only. Runs as the bootstrap superuser; idempotent.
 */
export async function ensureMonitorRole(config: DataparkConfig, password: string): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl(config, 'admin', 'postgres') });
  await admin.connect();
  try {
    const role = admin.escapeIdentifier(MONITOR_ROLE);
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [MONITOR_ROLE]);
    await admin.query(
      `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB ` +
        `NOCREATEROLE NOREPLICATION CONNECTION LIMIT 3 PASSWORD ${admin.escapeLiteral(password)}`,
    );
    await admin.query(`GRANT pg_monitor TO ${role}`);
    await admin.query(`GRANT CONNECT ON DATABASE postgres TO ${role}`);
  } finally {
    await admin.end();
  }
}

/** The exporter's connection string (its DATA_SOURCE_NAME), as the monitor role. */
export function monitorDataSource(config: DataparkConfig, password: string): string {
  const { host, port } = config.postgres;
  const auth = `${MONITOR_ROLE}:${encodeURIComponent(password)}`;
  return `postgresql://${auth}@${host}:${port}/postgres?sslmode=disable`;
}
