/**
 * The database's layout as it is now, for code that works with it (quality checks, drift
 * checks). The migrations keep their own copies: a migration describes the database as it was
 * when it ran, and must not change when this does.
 */

/** The schemas of shared/DESIGN.md's data model. */
export const SCHEMAS = ['source', 'raw', 'processed', 'quality', 'etl'] as const;
export type SchemaName = (typeof SCHEMAS)[number];

/** The event topics whose records land in `raw`, and the key column each is keyed by. */
export const RAW_EVENT_TABLES = [
  { table: 'customer_events', key: 'customer_id' },
  { table: 'product_events', key: 'product_id' },
  { table: 'order_events', key: 'order_id' },
  { table: 'clickstream_events', key: 'session_id' },
] as const;
