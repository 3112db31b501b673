import pg from 'pg';
import type { DataparkConfig } from '@datapark/config';
import { POSTGRES_ROLE_USERS, postgresUrl } from '@datapark/config';
import {
  SUPERSET_METADATA_DATABASE,
  SUPERSET_METADATA_ROLE,
  SUPERSET_READER_ROLE,
  supersetReaderStatements,
} from '@datapark/db';

/**
 * The roles, the metadata database and the reader's grants are defined once in @datapark/db, which
 * the chart's PostgreSQL init Job renders too (charts/sync/postgres-sql.ts).
 */
export { SUPERSET_METADATA_DATABASE, SUPERSET_METADATA_ROLE, SUPERSET_READER_ROLE };

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** {@link supersetReaderStatements} for the Data Park database `database` of this platform. */
export function readerGrantStatements(database: string): readonly string[] {
  return supersetReaderStatements({
    database,
    owner: POSTGRES_ROLE_USERS.owner,
    dbt: POSTGRES_ROLE_USERS.dbt,
  });
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
