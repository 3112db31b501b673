/**
 * The database's layout as it is now, for code that works with it (quality checks, drift
 * checks). The migrations keep their own copies: a migration describes the database as it was
 * when it ran, and must not change when this does.
 */

/** The schemas of shared/DESIGN.md's data model. */
export const SCHEMAS = ['source', 'raw', 'processed', 'quality', 'etl'] as const;
export type SchemaName = (typeof SCHEMAS)[number];

/**
 * The learner's own schema (lab/README.md): the `lab` role creates tables there. It is no part
 * of the data model: no migration creates or drops it, the platform's provisioning does.
 */
export const LAB_SCHEMA = 'lab';
/** What the `lab` role may read besides its own schema. */
export const LAB_READS = ['source', 'raw', 'processed'] as const satisfies readonly SchemaName[];

/**
 * The dbt project's schema (apps/dbt-shop): the `dbt` role builds its models there. Like `lab`, no
 * migration creates or drops it; the platform's provisioning does.
 */
export const ANALYTICS_SCHEMA = 'analytics';
/** What the `dbt` role may read besides its own schema: the landed events and the shop's tables. */
export const DBT_READS = ['source', 'raw'] as const satisfies readonly SchemaName[];

/** The event topics whose records land in `raw`, and the key column each is keyed by. */
export const RAW_EVENT_TABLES = [
  { table: 'customer_events', key: 'customer_id' },
  { table: 'product_events', key: 'product_id' },
  { table: 'order_events', key: 'order_id' },
  { table: 'clickstream_events', key: 'session_id' },
] as const;
