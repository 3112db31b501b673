import type { CheckKind } from '@datapark/db';
import { RAW_EVENT_TABLES } from '@datapark/db';

/**
 * One data-quality check: a query that returns the offending rows for a day (`$1`, a date), so a
 * failure can say how many rows and show one. No rows: the check passes. Definitions live here,
 * in code review; each run upserts them into `quality.checks` and records results in
 * `quality.check_runs` / `quality.check_results`.
 */
export interface QualityCheck {
  readonly name: string;
  readonly kind: CheckKind;
  /** The table whose rows the check judges (`schema.table`). */
  readonly table: string;
  /** What must hold, as the failure message says it. */
  readonly description: string;
  /** `error` fails the run (non-zero exit); `warn` is reported only. */
  readonly severity: 'error' | 'warn';
  /** SELECT returning the offending rows; `$1` is the logical date. UTC throughout. */
  readonly failingRows: string;
}

// Every query runs with TimeZone=UTC, so `$1::date` bounds a UTC day as the batch job does.
const ON_DAY = (column: string) => `${column} >= $1::date AND ${column} < $1::date + 1`;

const reconcile: QualityCheck[] = [
  {
    name: 'orders_source_vs_processed',
    kind: 'reconcile',
    table: 'processed.fact_orders',
    severity: 'error',
    description:
      'every source order placed that day is in processed.fact_orders, and nothing else is',
    failingRows: `
      SELECT o.order_id, 'in source.orders, missing from processed.fact_orders' AS problem
        FROM source.orders o
       WHERE ${ON_DAY('o.placed_at')}
         AND NOT EXISTS (SELECT 1 FROM processed.fact_orders f WHERE f.order_id = o.order_id)
      UNION ALL
      SELECT f.order_id, 'in processed.fact_orders, missing from source.orders'
        FROM processed.fact_orders f
       WHERE f.order_date = $1::date
         AND NOT EXISTS (SELECT 1 FROM source.orders o WHERE o.order_id = f.order_id)`,
  },
  {
    name: 'order_items_source_vs_processed',
    kind: 'reconcile',
    table: 'processed.fact_order_items',
    severity: 'error',
    description:
      "each order's lines and units in processed.fact_order_items match source.order_items",
    failingRows: `
      WITH s AS (
        SELECT i.order_id, count(*)::int AS lines, sum(i.quantity)::int AS units
          FROM source.order_items i JOIN source.orders o USING (order_id)
         WHERE ${ON_DAY('o.placed_at')} GROUP BY i.order_id),
      p AS (
        SELECT order_id, count(*)::int AS lines, sum(quantity)::int AS units
          FROM processed.fact_order_items WHERE order_date = $1::date GROUP BY order_id)
      SELECT coalesce(s.order_id, p.order_id) AS order_id,
             s.lines AS source_lines, p.lines AS processed_lines,
             s.units AS source_units, p.units AS processed_units
        FROM s FULL JOIN p USING (order_id)
       WHERE s.lines IS DISTINCT FROM p.lines OR s.units IS DISTINCT FROM p.units`,
  },
  {
    name: 'order_events_raw_vs_source',
    kind: 'reconcile',
    table: 'raw.order_events',
    // Only when the event generator writes both sinks do events and source agree; other
    // producers (tests, notebooks) put orders on the topic that no shop table has.
    severity: 'warn',
    description:
      'every order_placed event of the shop (producer event-generator) has its source.orders row',
    failingRows: `
      SELECT r.event_id, r.order_id, r.occurred_at, r.kafka_partition, r.kafka_offset
        FROM raw.order_events r
       WHERE r.event_type = 'order_placed' AND r.producer LIKE 'event-generator%'
         AND ${ON_DAY('r.occurred_at')}
         AND NOT EXISTS (SELECT 1 FROM source.orders o WHERE o.order_id = r.order_id)`,
  },
];

const freshness: QualityCheck[] = [
  {
    name: 'daily_sales_after_last_batch',
    kind: 'freshness',
    table: 'processed.daily_sales',
    severity: 'error',
    description:
      "after a successful daily_batch run for the day, the day's daily_sales row was loaded by that run or a later one",
    failingRows: `
      WITH last_run AS (
        SELECT max(started_at) AS started_at FROM etl.job_runs
         WHERE job_name = 'daily_batch' AND logical_date = $1::date AND status = 'success')
      SELECT $1::date AS sales_date, d.loaded_at, last_run.started_at AS last_batch_started_at
        FROM last_run LEFT JOIN processed.daily_sales d ON d.sales_date = $1::date
       WHERE last_run.started_at IS NOT NULL
         AND (d.loaded_at IS NULL OR d.loaded_at < last_run.started_at)`,
  },
  {
    name: 'raw_ingest_recent',
    kind: 'freshness',
    table: 'raw.order_events',
    severity: 'warn',
    description: 'ingest landed an order event in the last 24 hours',
    failingRows: `
      SELECT max(ingested_at) AS newest_ingested_at FROM raw.order_events
       WHERE $1::date IS NOT NULL -- not about one day: the newest row of the table
      HAVING max(ingested_at) IS NULL OR max(ingested_at) < now() - interval '24 hours'`,
  },
];

const uniqueness: QualityCheck[] = RAW_EVENT_TABLES.map(({ table }) => ({
  name: `${table}_event_id_unique`,
  kind: 'uniqueness' as const,
  table: `raw.${table}`,
  severity: 'error' as const,
  description: 'each event_id that occurred that day landed once',
  failingRows: `
    SELECT event_id, count(*)::int AS copies, array_agg(kafka_partition || ':' || kafka_offset) AS positions
      FROM raw.${table} WHERE ${ON_DAY('occurred_at')}
     GROUP BY event_id HAVING count(*) > 1`,
}));

const referential: QualityCheck[] = [
  {
    name: 'fact_orders_customer_exists',
    kind: 'referential',
    table: 'processed.fact_orders',
    severity: 'error',
    description: "every order's customer_id is in processed.dim_customers",
    failingRows: `
      SELECT f.order_id, f.customer_id FROM processed.fact_orders f
       WHERE f.order_date = $1::date
         AND NOT EXISTS (SELECT 1 FROM processed.dim_customers c WHERE c.customer_id = f.customer_id)`,
  },
  {
    name: 'fact_order_items_product_exists',
    kind: 'referential',
    table: 'processed.fact_order_items',
    severity: 'error',
    description: "every order line's product_id is in processed.dim_products",
    failingRows: `
      SELECT i.order_id, i.line_no, i.product_id FROM processed.fact_order_items i
       WHERE i.order_date = $1::date
         AND NOT EXISTS (SELECT 1 FROM processed.dim_products p WHERE p.product_id = i.product_id)`,
  },
  {
    name: 'fact_order_items_order_exists',
    kind: 'referential',
    table: 'processed.fact_order_items',
    severity: 'error',
    description: 'every order line belongs to an order in processed.fact_orders',
    failingRows: `
      SELECT i.order_id, i.line_no FROM processed.fact_order_items i
       WHERE i.order_date = $1::date
         AND NOT EXISTS (SELECT 1 FROM processed.fact_orders f WHERE f.order_id = i.order_id)`,
  },
];

const ranges: QualityCheck[] = [
  {
    name: 'fact_orders_values_in_range',
    kind: 'range',
    table: 'processed.fact_orders',
    severity: 'error',
    description: 'total_amount ≥ 0, item_count > 0 and status is a known order status',
    failingRows: `
      SELECT order_id, total_amount, item_count, status FROM processed.fact_orders
       WHERE order_date = $1::date
         AND (total_amount < 0 OR item_count <= 0
              OR status NOT IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'))`,
  },
  {
    name: 'fact_order_items_values_in_range',
    kind: 'range',
    table: 'processed.fact_order_items',
    severity: 'error',
    description: 'quantity > 0, unit_price ≥ 0 and line_amount = quantity × unit_price',
    failingRows: `
      SELECT order_id, line_no, quantity, unit_price, line_amount FROM processed.fact_order_items
       WHERE order_date = $1::date
         AND (quantity <= 0 OR unit_price < 0 OR line_amount <> quantity * unit_price)`,
  },
  {
    name: 'daily_sales_values_in_range',
    kind: 'range',
    table: 'processed.daily_sales',
    severity: 'error',
    description:
      'revenue ≥ 0, 0 ≤ avg_order_value ≤ revenue, and distinct_customers ≤ orders_count ≤ items_sold',
    failingRows: `
      SELECT sales_date, orders_count, items_sold, revenue, avg_order_value, distinct_customers
        FROM processed.daily_sales
       WHERE sales_date = $1::date
         AND (revenue < 0 OR avg_order_value < 0 OR avg_order_value > revenue
              OR distinct_customers > orders_count OR orders_count > items_sold)`,
  },
];

/** Every check `quality check` runs, in order. */
export const QUALITY_CHECKS: readonly QualityCheck[] = Object.freeze([
  ...reconcile,
  ...freshness,
  ...uniqueness,
  ...referential,
  ...ranges,
]);
