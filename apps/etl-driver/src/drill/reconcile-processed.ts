import type { Pool } from '@datapark/db';

/** `source` against `processed` for the orders a batch run covered. */
export interface ProcessedReconciliation {
  readonly day: string;
  readonly asOf: string;
  /** Source orders placed that day before `asOf`, and their lines. */
  readonly orders: number;
  readonly lines: number;
  /** In source, not in processed (orders and lines). */
  readonly missing: number;
  /** In processed, not in source: a phantom, a row of another window, a double write. */
  readonly extra: number;
  /** In both, with another customer, amount, item count, product, quantity or price. */
  readonly differing: number;
}

// The UTC day and the cutoff bound the window as daily_batch.py does; status is left out of
// the comparison, since the shop moves orders along after the batch has read them.
const ORDERS = `
  WITH s AS (
    SELECT o.order_id, o.customer_id, o.total_amount,
           coalesce((SELECT sum(i.quantity) FROM source.order_items i
                      WHERE i.order_id = o.order_id), 0)::int AS item_count
      FROM source.orders o
     WHERE o.placed_at >= $1::date::timestamp AT TIME ZONE 'UTC'
       AND o.placed_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
       AND o.placed_at < $2::timestamptz),
  p AS (
    SELECT order_id, customer_id, total_amount, item_count
      FROM processed.fact_orders WHERE order_date = $1::date)
  SELECT count(s.order_id)::int AS source_rows,
         count(*) FILTER (WHERE p.order_id IS NULL)::int AS missing,
         count(*) FILTER (WHERE s.order_id IS NULL)::int AS extra,
         count(*) FILTER (WHERE (s.customer_id, s.total_amount, s.item_count)
                   IS DISTINCT FROM (p.customer_id, p.total_amount, p.item_count)
                   AND s.order_id IS NOT NULL AND p.order_id IS NOT NULL)::int AS differing
    FROM s FULL JOIN p USING (order_id)`;

const LINES = `
  WITH s AS (
    SELECT i.order_id, i.line_no, i.product_id, i.quantity, i.unit_price
      FROM source.order_items i JOIN source.orders o USING (order_id)
     WHERE o.placed_at >= $1::date::timestamp AT TIME ZONE 'UTC'
       AND o.placed_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
       AND o.placed_at < $2::timestamptz),
  p AS (
    SELECT order_id, line_no, product_id, quantity, unit_price
      FROM processed.fact_order_items WHERE order_date = $1::date)
  SELECT count(s.order_id)::int AS source_rows,
         count(*) FILTER (WHERE p.order_id IS NULL)::int AS missing,
         count(*) FILTER (WHERE s.order_id IS NULL)::int AS extra,
         count(*) FILTER (WHERE (s.product_id, s.quantity, s.unit_price)
                   IS DISTINCT FROM (p.product_id, p.quantity, p.unit_price)
                   AND s.order_id IS NOT NULL AND p.order_id IS NOT NULL)::int AS differing
    FROM s FULL JOIN p USING (order_id, line_no)`;

interface Counts {
  source_rows: number;
  missing: number;
  extra: number;
  differing: number;
}

/**
 * Each source order placed on `day` before `asOf` must be in `processed.fact_orders` once with
 * the same customer, amount and item count, each of its lines in `processed.fact_order_items`,
 * and nothing else may be there for that day. The tables' primary keys rule out a row twice,
 * so a double write shows up as an extra row or as a failed job, never as a silent duplicate.
 */
export async function reconcileProcessed(
  db: Pool,
  day: string,
  asOf: Date,
): Promise<ProcessedReconciliation> {
  const params = [day, asOf.toISOString()];
  const [orders] = (await db.query<Counts>(ORDERS, params)).rows;
  const [lines] = (await db.query<Counts>(LINES, params)).rows;
  return {
    day,
    asOf: asOf.toISOString(),
    orders: orders!.source_rows,
    lines: lines!.source_rows,
    missing: orders!.missing + lines!.missing,
    extra: orders!.extra + lines!.extra,
    differing: orders!.differing + lines!.differing,
  };
}
