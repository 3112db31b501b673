import pg from 'pg';
import type { DataparkConfig } from '@datapark/config';
import { POSTGRES_ROLE_USERS, postgresUrl } from '@datapark/config';
import { ANALYTICS_SCHEMA, DBT_READS } from '../schema/layout.js';

export interface DbtWorkspaceNames {
  /** The Data Park database. */
  readonly database: string;
  /** Login names: the migration owner (owns the schemas) and the dbt project's role. */
  readonly owner: string;
  readonly dbt: string;
  /** The read-only role of notebooks and dashboards, which reads what dbt builds. */
  readonly analyst: string;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The dbt project's workspace, as SQL run by the bootstrap superuser after the migrations: an
 * `analytics` schema owned by the owner, where the `dbt` role creates its views and tables (it
 * owns what it creates, so it can replace them), and read access for that role to `source` and
 * `raw`, including tables the owner creates there later, and temporary tables (incremental models
 * and unit tests stage rows in them); the `analyst` role reads what dbt builds. Nothing else: no write outside
 * `analytics`, no `processed`, `quality`, `etl` or `public`. Every statement is idempotent.
 *
 * @example
 * ```ts
 * dbtWorkspaceStatements({ database: 'datapark', owner: 'datapark_owner', dbt: 'dbt', analyst: 'analyst' })[0];
 * // CREATE SCHEMA IF NOT EXISTS "analytics" AUTHORIZATION "datapark_owner"
 * ```
 */
export function dbtWorkspaceStatements(names: DbtWorkspaceNames): readonly string[] {
  const dbt = quote(names.dbt);
  const analyst = quote(names.analyst);
  const owner = quote(names.owner);
  const schema = quote(ANALYTICS_SCHEMA);
  const reads = DBT_READS.map(quote).join(', ');
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`,
    `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${dbt}`,
    `GRANT USAGE ON SCHEMA ${reads} TO ${dbt}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${reads} TO ${dbt}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${reads} GRANT SELECT ON TABLES TO ${dbt}`,
    // dbt's incremental merges and unit tests stage rows in session-local temporary tables.
    `GRANT TEMPORARY ON DATABASE ${quote(names.database)} TO ${dbt}`,
    // The analyst (notebooks, dashboards) reads the models, those dbt builds later included.
    `GRANT USAGE ON SCHEMA ${schema} TO ${analyst}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${analyst}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${dbt} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${analyst}`,
  ];
}

/** {@link dbtWorkspaceStatements} for this platform, run as the bootstrap superuser. */
export async function provisionDbtWorkspace(config: DataparkConfig): Promise<void> {
  postgresUrl(config, 'admin'); // throws, naming the key and the fix, when the password is missing
  const { host, port, database } = config.postgres;
  const { user, password } = config.postgres.roles.admin;
  const admin = new pg.Client({ host, port, database, user, password });
  await admin.connect();
  try {
    const statements = dbtWorkspaceStatements({
      database: config.postgres.database,
      owner: POSTGRES_ROLE_USERS.owner,
      dbt: POSTGRES_ROLE_USERS.dbt,
      analyst: POSTGRES_ROLE_USERS.analyst,
    });
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}
