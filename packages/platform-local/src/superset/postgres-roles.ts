import pg from 'pg';
import type { DataparkConfig } from '@datapark/config';
import { POSTGRES_ROLE_USERS, postgresUrl } from '@datapark/config';

/** Owns Superset's metadata database (users, dashboards, charts, saved connections). */
export const SUPERSET_METADATA_ROLE = 'superset';
export const SUPERSET_METADATA_DATABASE = 'superset';
/**
 * What the charts query as: reads `analytics` (dbt's marts), `processed`, and for the pipeline's
 * health the three tables the pipeline-health charts use; writes nothing.
 */
export const SUPERSET_READER_ROLE = 'superset_reader';
/** The schemas the charts read whole. */
export const SUPERSET_READS = ['analytics', 'processed'] as const;
/**
 * The tables the pipeline-health charts read, and no more of their schemas: `etl` also holds
 * ingest's offsets and watermarks, `quality` the offending rows of failed checks (as jsonb).
 */
export const SUPERSET_READS_TABLES = [
  'quality.check_results',
  'quality.checks',
  'etl.job_runs',
] as const;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The reader's grants in the Data Park database, run by the bootstrap superuser: usage and
 * SELECT on the tables of {@link SUPERSET_READS}, including those their writers create later
 * (the owner's in `processed`, dbt's in `analytics`), SELECT on {@link SUPERSET_READS_TABLES}
 * alone, and every transaction read-only. What a platform started before the grants narrowed had
 * on the rest of `quality` and `etl` is revoked.
 */
export function readerGrantStatements(database: string): readonly string[] {
  const reader = quote(SUPERSET_READER_ROLE);
  const schemas = SUPERSET_READS.map(quote).join(', ');
  const tables = SUPERSET_READS_TABLES.map((t) => t.split('.').map(quote).join('.')).join(', ');
  const narrowed = ['quality', 'etl'].map(quote).join(', ');
  return [
    `GRANT CONNECT ON DATABASE ${quote(database)} TO ${reader}`,
    `ALTER ROLE ${reader} SET default_transaction_read_only = on`,
    `GRANT USAGE ON SCHEMA ${schemas}, ${narrowed} TO ${reader}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${schemas} TO ${reader}`,
    `REVOKE SELECT ON ALL TABLES IN SCHEMA ${narrowed} FROM ${reader}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${quote(POSTGRES_ROLE_USERS.owner)} IN SCHEMA ${narrowed} REVOKE SELECT ON TABLES FROM ${reader}`,
    `GRANT SELECT ON ${tables} TO ${reader}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${quote(POSTGRES_ROLE_USERS.owner)} IN SCHEMA ${quote('processed')} GRANT SELECT ON TABLES TO ${reader}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${quote(POSTGRES_ROLE_USERS.dbt)} IN SCHEMA ${quote('analytics')} GRANT SELECT ON TABLES TO ${reader}`,
  ];
}

async function ensureLoginRole(
  client: pg.Client,
  role: string,
  password: string,
  connectionLimit: number,
): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  await client.query(
    `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${quote(role)} WITH LOGIN NOSUPERUSER NOCREATEDB ` +
      `NOCREATEROLE NOREPLICATION CONNECTION LIMIT ${connectionLimit} PASSWORD ${client.escapeLiteral(password)}`,
  );
}

/**
 * Creates (or updates the passwords of) Superset's two roles and its metadata database, and
 * grants the reader what the charts read. Runs as the bootstrap superuser; idempotent.
 */
export async function provisionSupersetDatabase(
  config: DataparkConfig,
  passwords: { readonly metadata: string; readonly reader: string },
): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl(config, 'admin', 'postgres') });
  await admin.connect();
  try {
    await ensureLoginRole(admin, SUPERSET_METADATA_ROLE, passwords.metadata, 20);
    await ensureLoginRole(admin, SUPERSET_READER_ROLE, passwords.reader, 10);
    const database = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      SUPERSET_METADATA_DATABASE,
    ]);
    if (!database.rowCount)
      await admin.query(
        `CREATE DATABASE ${quote(SUPERSET_METADATA_DATABASE)} OWNER ${quote(SUPERSET_METADATA_ROLE)}`,
      );
    await admin.query(`REVOKE ALL ON DATABASE ${quote(SUPERSET_METADATA_DATABASE)} FROM PUBLIC`);
  } finally {
    await admin.end();
  }
  const data = new pg.Client({ connectionString: postgresUrl(config, 'admin') });
  await data.connect();
  try {
    for (const statement of readerGrantStatements(config.postgres.database))
      await data.query(statement);
  } finally {
    await data.end();
  }
}

/** Drops the metadata database (`down --purge`: its saved passwords are sealed with the key it deletes). */
export async function dropSupersetDatabase(config: DataparkConfig): Promise<void> {
  let admin: pg.Client;
  try {
    admin = new pg.Client({
      connectionString: postgresUrl(config, 'admin', 'postgres'),
      connectionTimeoutMillis: 3000,
    });
    await admin.connect();
  } catch {
    return; // PostgreSQL is down or was never set up: a full purge deletes its data anyway.
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quote(SUPERSET_METADATA_DATABASE)} WITH (FORCE)`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
