import { ANALYTICS_SCHEMA } from '../schema/layout.js';
import { quoteIdent } from './workspace.js';

/** Owns Superset's metadata database (users, dashboards, charts, saved connections). */
export const SUPERSET_METADATA_ROLE = 'superset';
export const SUPERSET_METADATA_DATABASE = 'superset';
/**
 * What Superset's charts query as: reads `analytics` (dbt's marts), `processed`, and for the
 * pipeline's health the tables and the view the pipeline-health charts use; writes nothing.
 */
export const SUPERSET_READER_ROLE = 'superset_reader';
/** The schemas the charts read whole. */
export const SUPERSET_READS = [ANALYTICS_SCHEMA, 'processed'] as const;
/**
 * The tables the pipeline-health charts read, and no more of their schemas: `etl` also holds
 * ingest's offsets and watermarks, `quality` the offending rows of failed checks (as jsonb).
 */
export const SUPERSET_READS_TABLES = [
  'quality.check_results',
  'quality.checks',
  'etl.job_runs',
  'etl.dead_letters',
  'etl.landed_per_hour',
] as const;

export interface SupersetReaderNames {
  /** The Data Park database. */
  readonly database: string;
  /** Login names: the migration owner (creates `processed`'s tables) and dbt's role (`analytics`'). */
  readonly owner: string;
  readonly dbt: string;
}

/**
 * The reader's grants in the Data Park database, run by the bootstrap superuser after the
 * migrations and the dbt workspace: usage and SELECT on the tables of {@link SUPERSET_READS},
 * including those their writers create later (the owner's in `processed`, dbt's in `analytics`),
 * SELECT on {@link SUPERSET_READS_TABLES} alone, and every transaction read-only. What a platform
 * started before the grants narrowed had on the rest of `quality` and `etl` is revoked. The local
 * platform's Superset component and the chart's PostgreSQL init Job both run these. Idempotent.
 *
 * @example
 * ```ts
 * supersetReaderStatements({ database: 'datapark', owner: 'datapark_owner', dbt: 'dbt' })[0];
 * // GRANT CONNECT ON DATABASE "datapark" TO "superset_reader"
 * ```
 */
export function supersetReaderStatements(names: SupersetReaderNames): readonly string[] {
  const reader = quoteIdent(SUPERSET_READER_ROLE);
  const schemas = SUPERSET_READS.map(quoteIdent).join(', ');
  const tables = SUPERSET_READS_TABLES.map((t) => t.split('.').map(quoteIdent).join('.')).join(
    ', ',
  );
  const narrowed = ['quality', 'etl'].map(quoteIdent).join(', ');
  const owner = quoteIdent(names.owner);
  return [
    `GRANT CONNECT ON DATABASE ${quoteIdent(names.database)} TO ${reader}`,
    `ALTER ROLE ${reader} SET default_transaction_read_only = on`,
    // Superset turns a relative time range ("now", the Streaming dashboard's last 30 minutes)
    // into a timestamp without zone, which PostgreSQL reads in the session's zone: UTC, as the
    // Superset process runs (TZ=UTC), whatever zone the database was initialised with.
    `ALTER ROLE ${reader} SET timezone = 'UTC'`,
    `GRANT USAGE ON SCHEMA ${schemas}, ${narrowed} TO ${reader}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${schemas} TO ${reader}`,
    `REVOKE SELECT ON ALL TABLES IN SCHEMA ${narrowed} FROM ${reader}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${narrowed} REVOKE SELECT ON TABLES FROM ${reader}`,
    `GRANT SELECT ON ${tables} TO ${reader}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${quoteIdent('processed')} GRANT SELECT ON TABLES TO ${reader}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(names.dbt)} IN SCHEMA ${quoteIdent(ANALYTICS_SCHEMA)} GRANT SELECT ON TABLES TO ${reader}`,
  ];
}
