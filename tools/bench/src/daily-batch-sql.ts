import type { Pool } from '@datapark/db';

// The daily batch job's work (apps/spark-jobs/jobs/daily_batch.py) in PostgreSQL's own SQL, as
// the same role (spark_etl), with the same writes: the dimensions replaced whole, the day's
// facts and aggregates deleted and written again, under the same advisory lock, committed.
const DAY = `o.placed_at >= $1::date::timestamp AT TIME ZONE 'UTC'
   AND o.placed_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'`;
const SOLD = `f.status NOT IN ('cancelled', 'refunded')`;

const STATEMENTS: readonly string[] = [
  `SELECT pg_advisory_xact_lock(hashtext('datapark.daily_batch'))`,
  'TRUNCATE processed.dim_customers',
  `INSERT INTO processed.dim_customers
     (customer_id, email, full_name, country, city, registered_at, is_deleted, updated_at)
   SELECT customer_id, email, concat_ws(' ', first_name, last_name), country, city,
          registered_at, deleted_at IS NOT NULL, updated_at
     FROM source.customers`,
  'TRUNCATE processed.dim_products',
  `INSERT INTO processed.dim_products
     (product_id, sku, name, category, current_price, status, updated_at)
   SELECT product_id, sku, name, category, price, status, updated_at FROM source.products`,
  'DELETE FROM processed.fact_order_items WHERE order_date = $1::date',
  'DELETE FROM processed.fact_orders WHERE order_date = $1::date',
  'DELETE FROM processed.daily_sales WHERE sales_date = $1::date',
  'DELETE FROM processed.product_performance WHERE sales_date = $1::date',
  `INSERT INTO processed.fact_orders
     (order_id, customer_id, order_date, status, item_count, total_amount, placed_at)
   SELECT o.order_id, o.customer_id, $1::date, o.status,
          coalesce((SELECT sum(i.quantity) FROM source.order_items i
                     WHERE i.order_id = o.order_id), 0),
          o.total_amount, o.placed_at
     FROM source.orders o WHERE ${DAY}`,
  `INSERT INTO processed.fact_order_items
     (order_id, line_no, product_id, order_date, quantity, unit_price, line_amount)
   SELECT i.order_id, i.line_no, i.product_id, f.order_date, i.quantity, i.unit_price,
          (i.quantity * i.unit_price)::numeric(14, 2)
     FROM source.order_items i JOIN processed.fact_orders f USING (order_id)
    WHERE f.order_date = $1::date`,
  `INSERT INTO processed.daily_sales
     (sales_date, orders_count, items_sold, revenue, avg_order_value, distinct_customers)
   SELECT $1::date, count(*), coalesce(sum(f.item_count), 0), coalesce(sum(f.total_amount), 0),
          CASE WHEN count(*) > 0 THEN round(sum(f.total_amount) / count(*), 2) ELSE 0 END,
          count(DISTINCT f.customer_id)
     FROM processed.fact_orders f WHERE f.order_date = $1::date AND ${SOLD}`,
  `INSERT INTO processed.product_performance
     (sales_date, product_id, units_sold, revenue, orders_count)
   SELECT $1::date, i.product_id, sum(i.quantity), sum(i.line_amount), count(DISTINCT i.order_id)
     FROM processed.fact_order_items i JOIN processed.fact_orders f USING (order_id)
    WHERE f.order_date = $1::date AND ${SOLD}
    GROUP BY i.product_id`,
];

/** Runs the day's batch in SQL in one transaction and commits it. */
export async function dailyBatchInSql(pool: Pool, day: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const statement of STATEMENTS)
      await client.query(statement, statement.includes('$1') ? [day] : []);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
