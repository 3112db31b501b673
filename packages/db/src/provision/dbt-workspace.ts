import type { DataparkConfig } from '@datapark/config';
import { POSTGRES_ROLE_USERS } from '@datapark/config';
import { ANALYTICS_SCHEMA, DBT_READS } from '../schema/layout.js';
import { quoteIdent, runAsAdmin, workspaceGrantStatements } from './workspace.js';

export interface DbtWorkspaceNames {
  /** The Data Park database. */
  readonly database: string;
  /** Login names: the migration owner (owns the schemas) and the dbt project's role. */
  readonly owner: string;
  readonly dbt: string;
  /** The read-only role of notebooks and dashboards, which reads what dbt builds. */
  readonly analyst: string;
}

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
  const dbt = quoteIdent(names.dbt);
  const analyst = quoteIdent(names.analyst);
  const schema = quoteIdent(ANALYTICS_SCHEMA);
  return [
    ...workspaceGrantStatements({
      schema: ANALYTICS_SCHEMA,
      owner: names.owner,
      role: names.dbt,
      reads: DBT_READS,
    }),
    // dbt's incremental merges and unit tests stage rows in session-local temporary tables.
    `GRANT TEMPORARY ON DATABASE ${quoteIdent(names.database)} TO ${dbt}`,
    // The analyst (notebooks, dashboards) reads the models, those dbt builds later included.
    `GRANT USAGE ON SCHEMA ${schema} TO ${analyst}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${analyst}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${dbt} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${analyst}`,
  ];
}

/** {@link dbtWorkspaceStatements} for this platform, run as the bootstrap superuser. */
export async function provisionDbtWorkspace(config: DataparkConfig): Promise<void> {
  await runAsAdmin(
    config,
    dbtWorkspaceStatements({
      database: config.postgres.database,
      owner: POSTGRES_ROLE_USERS.owner,
      dbt: POSTGRES_ROLE_USERS.dbt,
      analyst: POSTGRES_ROLE_USERS.analyst,
    }),
  );
}
