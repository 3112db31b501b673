import pg from 'pg';
import type { DataparkConfig, PostgresRole } from '@datapark/config';
import { POSTGRES_ROLE_USERS, POSTGRES_ROLES, postgresUrl } from '@datapark/config';
import { DbError } from '../db-error.js';

/** Login roles other than the bootstrap superuser, each with only what its component needs. */
export const COMPONENT_ROLES: readonly Exclude<PostgresRole, 'admin'>[] = POSTGRES_ROLES.filter(
  (role): role is Exclude<PostgresRole, 'admin'> => role !== 'admin',
);

/**
 * Creates (or updates the passwords of) every component role and the `datapark` and `airflow`
 * databases, and takes every default privilege away from PUBLIC. Runs as the bootstrap
 * superuser; idempotent.
 */
export async function createRolesAndDatabases(config: DataparkConfig): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl(config, 'admin', 'postgres') });
  await admin.connect();
  try {
    for (const role of COMPONENT_ROLES) {
      const user = POSTGRES_ROLE_USERS[role];
      const password = config.postgres.roles[role].password;
      if (!password)
        throw new DbError(`no password for PostgreSQL role ${user}`, {
          code: 'ROLE_PASSWORD_MISSING',
          hint: 'the platform generates it at up: npx nx run platform:up --only postgres',
        });
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
      const verb = exists.rowCount ? 'ALTER' : 'CREATE';
      await admin.query(
        `${verb} ROLE ${admin.escapeIdentifier(user)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${admin.escapeLiteral(password)}`,
      );
    }
    const owner = admin.escapeIdentifier(POSTGRES_ROLE_USERS.owner);
    const airflow = admin.escapeIdentifier(POSTGRES_ROLE_USERS.airflow);
    await createDatabase(admin, config.postgres.database, owner);
    await createDatabase(admin, config.postgres.airflowDatabase, airflow);
    const datapark = admin.escapeIdentifier(config.postgres.database);
    const airflowDb = admin.escapeIdentifier(config.postgres.airflowDatabase);
    // PUBLIC may connect to and create temp tables in every new database by default.
    await admin.query(`REVOKE ALL ON DATABASE ${datapark} FROM PUBLIC`);
    await admin.query(`REVOKE ALL ON DATABASE ${airflowDb} FROM PUBLIC`);
    await admin.query(`REVOKE ALL ON DATABASE postgres FROM PUBLIC`);
    await admin.query(`REVOKE ALL ON DATABASE template1 FROM PUBLIC`);
    const readers = COMPONENT_ROLES.filter((r) => r !== 'owner')
      .map((r) => admin.escapeIdentifier(POSTGRES_ROLE_USERS[r]))
      .join(', ');
    await admin.query(`GRANT CONNECT ON DATABASE ${datapark} TO ${readers}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${airflowDb} TO ${airflow}`);
  } finally {
    await admin.end();
  }
}

async function createDatabase(admin: pg.Client, name: string, ownerIdent: string): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!exists.rowCount) {
    await admin.query(
      `CREATE DATABASE ${admin.escapeIdentifier(name)} OWNER ${ownerIdent} ENCODING 'UTF8' TEMPLATE template0`,
    );
  }
}
