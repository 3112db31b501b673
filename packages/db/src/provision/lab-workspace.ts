import type { DataparkConfig } from '@datapark/config';
import { POSTGRES_ROLE_USERS } from '@datapark/config';
import { LAB_READS, LAB_SCHEMA } from '../schema/layout.js';
import { quoteIdent, runAsAdmin, workspaceGrantStatements } from './workspace.js';

export interface LabWorkspaceNames {
  /** The Data Park database. */
  readonly database: string;
  /** Login names: the migration owner (owns the schemas) and the learner's role. */
  readonly owner: string;
  readonly lab: string;
}

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
  return [
    ...workspaceGrantStatements({
      schema: LAB_SCHEMA,
      owner: names.owner,
      role: names.lab,
      reads: LAB_READS,
    }),
    // `CREATE TABLE orders_by_day (…)` from psql or a DAG lands in lab, not in refused public.
    `ALTER ROLE ${quoteIdent(names.lab)} IN DATABASE ${quoteIdent(names.database)} SET search_path = ${quoteIdent(LAB_SCHEMA)}`,
  ];
}

/** {@link labWorkspaceStatements} for this platform, run as the bootstrap superuser. */
export async function provisionLabWorkspace(config: DataparkConfig): Promise<void> {
  await runAsAdmin(
    config,
    labWorkspaceStatements({
      database: config.postgres.database,
      owner: POSTGRES_ROLE_USERS.owner,
      lab: POSTGRES_ROLE_USERS.lab,
    }),
  );
}
