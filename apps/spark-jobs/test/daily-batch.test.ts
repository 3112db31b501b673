import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '@datapark/config';
import { createDb, createPool } from '@datapark/db';
import { SparkRestClient } from '@datapark/spark-client';

const config = loadConfig();
const spark = SparkRestClient.fromConfig(config);
const generator = createDb(config, 'generator', { max: 2 });
const owner = createDb(config, 'owner', { max: 2 });
const analyst = createDb(config, 'analyst', { max: 2 });
// A plain connection of its own, to hold the batch write lock (advisory locks are per session).
const pool = createPool(config, 'owner', { max: 1 });
const JOB = join(import.meta.dirname, '..', 'jobs', 'daily_batch.py');

// A day of its own, far in the past, so reruns and other tests never share its rows.
const DAY = `2001-0${1 + Math.floor(Math.random() * 9)}-${String(10 + Math.floor(Math.random() * 18))}`;
const at = (hour: number) => new Date(`${DAY}T${String(hour).padStart(2, '0')}:30:00Z`);
const customers = [randomUUID(), randomUUID()];
const products = [randomUUID(), randomUUID()];
const orders = [
  {
    id: randomUUID(),
    customer: customers[0]!,
    status: 'paid' as const,
    lines: [
      [products[0]!, 2, '10.00'],
      [products[1]!, 1, '4.50'],
    ] as const,
  },
  {
    id: randomUUID(),
    customer: customers[1]!,
    status: 'delivered' as const,
    lines: [[products[0]!, 1, '10.00']] as const,
  },
  {
    id: randomUUID(),
    customer: customers[1]!,
    status: 'cancelled' as const,
    lines: [[products[1]!, 5, '4.50']] as const,
  },
];

beforeAll(async () => {
  await generator
    .insertInto('source.customers')
    .values(
      customers.map((id, i) => ({
        customer_id: id,
        email: `${id}@example.test`,
        first_name: `F${i}`,
        last_name: `L${i}`,
        country: 'DE',
        city: 'Berlin',
        registered_at: at(1),
        updated_at: at(1),
        deleted_at: null,
      })),
    )
    .execute();
  await generator
    .insertInto('source.products')
    .values(
      products.map((id, i) => ({
        product_id: id,
        sku: `SKU-${id}`,
        name: `P${i}`,
        category: 'test',
        price: i ? '4.50' : '10.00',
        stock: 100,
        created_at: at(1),
        updated_at: at(1),
      })),
    )
    .execute();
  for (const [n, order] of orders.entries()) {
    const total = order.lines
      .reduce((sum, [, qty, price]) => sum + qty * Number(price), 0)
      .toFixed(2);
    await generator
      .insertInto('source.orders')
      .values({
        order_id: order.id,
        customer_id: order.customer,
        status: order.status,
        total_amount: total,
        placed_at: at(8 + n),
        updated_at: at(8 + n),
      })
      .execute();
    await generator
      .insertInto('source.order_items')
      .values(
        order.lines.map(([product, qty, price], i) => ({
          order_id: order.id,
          line_no: i + 1,
          product_id: product,
          quantity: qty,
          unit_price: price,
        })),
      )
      .execute();
  }
});

afterAll(async () => {
  const ids = orders.map((o) => o.id);
  await generator.deleteFrom('source.order_items').where('order_id', 'in', ids).execute();
  await generator.deleteFrom('source.orders').where('order_id', 'in', ids).execute();
  await generator.deleteFrom('source.products').where('product_id', 'in', products).execute();
  await generator.deleteFrom('source.customers').where('customer_id', 'in', customers).execute();
  for (const [table, column] of [
    ['processed.fact_order_items', 'order_date'],
    ['processed.fact_orders', 'order_date'],
    ['processed.daily_sales', 'sales_date'],
    ['processed.product_performance', 'sales_date'],
  ] as const) {
    await sql`DELETE FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${DAY}::date`.execute(
      owner,
    );
  }
  await Promise.all([generator.destroy(), owner.destroy(), analyst.destroy(), pool.end()]);
});

async function runBatch(): Promise<void> {
  await spark.submitAndWait(
    spark.pythonRequest({
      file: JOB,
      name: `daily-batch-test-${DAY}`,
      args: ['--date', DAY],
      env: { DATAPARK_STATE_DIR: config.stateDir },
    }),
    { timeoutMs: 300_000 },
  );
}

/** What the job should have written, computed here in SQL straight from `source`. */
async function expectedFromSource() {
  const { rows } = await sql<{
    orders_count: number;
    items_sold: number;
    revenue: string;
    distinct_customers: number;
  }>`
    SELECT count(DISTINCT o.order_id)::int AS orders_count,
           coalesce(sum(i.quantity), 0)::int AS items_sold,
           (SELECT coalesce(sum(total_amount), 0) FROM source.orders
             WHERE placed_at >= ${DAY}::date AND placed_at < ${DAY}::date + 1 AND status NOT IN ('cancelled', 'refunded'))::numeric(14,2)::text AS revenue,
           count(DISTINCT o.customer_id)::int AS distinct_customers
      FROM source.orders o JOIN source.order_items i USING (order_id)
     WHERE o.placed_at >= ${DAY}::date AND o.placed_at < ${DAY}::date + 1 AND o.status NOT IN ('cancelled', 'refunded')`.execute(
    analyst,
  );
  return rows[0]!;
}

describe('the daily batch job on the real cluster', () => {
  it("writes the day's facts and aggregates, equal to an independent SQL computation, and a rerun replaces them", async () => {
    await runBatch();
    const expected = await expectedFromSource();
    const sales = await analyst
      .selectFrom('processed.daily_sales')
      .selectAll()
      .where('sales_date', '=', DAY)
      .execute();
    expect(sales).toHaveLength(1);
    expect({
      orders_count: sales[0]!.orders_count,
      items_sold: sales[0]!.items_sold,
      revenue: sales[0]!.revenue,
      distinct_customers: sales[0]!.distinct_customers,
    }).toEqual(expected);
    expect(expected).toEqual({
      orders_count: 2,
      items_sold: 4,
      revenue: '34.50',
      distinct_customers: 2,
    });

    const facts = await analyst
      .selectFrom('processed.fact_orders')
      .select(['order_id', 'item_count', 'status'])
      .where('order_date', '=', DAY)
      .orderBy('placed_at')
      .execute();
    expect(facts.map((f) => [f.order_id, f.item_count, f.status])).toEqual(
      orders.map((o) => [o.id, o.lines.reduce((n, [, q]) => n + q, 0), o.status]),
    );

    const perProduct = await analyst
      .selectFrom('processed.product_performance')
      .select(['product_id', 'units_sold', 'revenue'])
      .where('sales_date', '=', DAY)
      .execute();
    expect(
      Object.fromEntries(perProduct.map((p) => [p.product_id, [p.units_sold, p.revenue]])),
    ).toEqual({
      [products[0]!]: [3, '30.00'],
      [products[1]!]: [1, '4.50'],
    });

    const dims = await analyst
      .selectFrom('processed.dim_customers')
      .select('full_name')
      .where('customer_id', 'in', customers)
      .orderBy('full_name')
      .execute();
    expect(dims.map((d) => d.full_name)).toEqual(['F0 L0', 'F1 L1']);

    // Idempotent: the same date again gives the same rows, not twice as many.
    await runBatch();
    const again = await analyst
      .selectFrom('processed.fact_order_items')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('order_date', '=', DAY)
      .executeTakeFirstOrThrow();
    expect(again.n).toBe(4);
    expect(
      await analyst
        .selectFrom('processed.daily_sales')
        .selectAll()
        .where('sales_date', '=', DAY)
        .execute(),
    ).toHaveLength(1);
  }, 600_000);

  it('writes only while it holds the batch write lock: a second batch waits for the first', async () => {
    // This test holds the lock a running batch would hold; the job must wait for it, then write.
    const holder = await pool.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext('datapark.daily_batch'))");
      await sql`DELETE FROM processed.daily_sales WHERE sales_date = ${DAY}::date`.execute(owner);
      const submissionId = await spark.create(
        spark.pythonRequest({
          file: JOB,
          name: `daily-batch-lock-test-${DAY}`,
          args: ['--date', DAY],
          env: { DATAPARK_STATE_DIR: config.stateDir },
        }),
      );
      // The job's connection shows up in pg_locks as waiting for the advisory lock.
      const started = Date.now();
      for (;;) {
        const { rows } = await holder.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        const { driverState } = await spark.status(submissionId);
        // Another test's batch may wait for the lock as well (npm test runs two projects at a
        // time): this one's driver must be running too.
        if (rows[0]!.n > 0 && driverState === 'RUNNING') break;
        if (!['SUBMITTED', 'RUNNING'].includes(driverState) || Date.now() - started > 300_000)
          throw new Error(`the job never waited for the lock (driver ${driverState})`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const whileLocked = await analyst
        .selectFrom('processed.daily_sales')
        .selectAll()
        .where('sales_date', '=', DAY)
        .execute();
      expect(whileLocked).toHaveLength(0);
      expect((await spark.status(submissionId)).driverState).toBe('RUNNING');
      await holder.query("SELECT pg_advisory_unlock(hashtext('datapark.daily_batch'))");
      await spark.waitFor(submissionId, { timeoutMs: 300_000 });
    } finally {
      holder.release();
    }
    const after = await analyst
      .selectFrom('processed.daily_sales')
      .select('orders_count')
      .where('sales_date', '=', DAY)
      .execute();
    expect(after).toEqual([{ orders_count: 2 }]);
  }, 600_000);
});
