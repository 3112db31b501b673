// bench:spark — the daily batch job on the local cluster over BENCH_ORDERS orders (default 1M)
// placed on one day: submit → driver RUNNING latency, and the job's wall time. Reference: the
// same day's facts and aggregates computed by PostgreSQL itself in SQL, in the same run.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import { copyRows, createPool } from '@datapark/db';
import { SparkRestClient } from '@datapark/spark-client';
import { printReport, timed } from './report.js';

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 1_000_000);
const DAY = '1999-06-15';
const CUSTOMERS = 20_000;
const PRODUCTS = 2_000;

const config = loadConfig();
const generator = createPool(config, 'generator', { max: 2 });
const owner = createPool(config, 'owner', { max: 2 });
const spark = SparkRestClient.fromConfig(config);
const root = new URL('../../..', import.meta.url).pathname;
const stamp = (ms: number) => new Date(Date.parse(`${DAY}T00:00:00Z`) + ms);

async function cleanUp(customerIds: string[]): Promise<void> {
  await owner.query(`DELETE FROM processed.fact_order_items WHERE order_date = $1`, [DAY]);
  await owner.query(`DELETE FROM processed.fact_orders WHERE order_date = $1`, [DAY]);
  await owner.query(`DELETE FROM processed.daily_sales WHERE sales_date = $1`, [DAY]);
  await owner.query(`DELETE FROM processed.product_performance WHERE sales_date = $1`, [DAY]);
  await generator.query(
    `DELETE FROM source.order_items WHERE order_id IN (SELECT order_id FROM source.orders WHERE placed_at >= $1::date AND placed_at < $1::date + 1)`,
    [DAY],
  );
  await generator.query(
    `DELETE FROM source.orders WHERE placed_at >= $1::date AND placed_at < $1::date + 1`,
    [DAY],
  );
  if (customerIds.length)
    await generator.query(`DELETE FROM source.customers WHERE customer_id = ANY($1::uuid[])`, [
      customerIds,
    ]);
  await generator.query(`DELETE FROM source.products WHERE sku LIKE 'BENCH-%'`);
}

const customers = Array.from({ length: CUSTOMERS }, () => randomUUID());
const products = Array.from({ length: PRODUCTS }, (_, i) => ({
  id: randomUUID(),
  price: (1 + (i % 200)).toFixed(2),
}));
try {
  await cleanUp([]);
  process.stderr.write(
    `bench:spark: loading ${ORDERS} orders placed on ${DAY} into source (COPY)…\n`,
  );
  const at = stamp(0);
  await copyRows(
    generator,
    'source.customers',
    customers.map((id) => ({
      customer_id: id,
      email: `${id}@bench.test`,
      first_name: 'B',
      last_name: 'Ench',
      country: 'DE',
      city: 'Berlin',
      registered_at: at,
      updated_at: at,
      deleted_at: null,
    })),
  );
  await copyRows(
    generator,
    'source.products',
    products.map((p, i) => ({
      product_id: p.id,
      sku: `BENCH-${i}`,
      name: `Bench ${i}`,
      category: 'bench',
      price: p.price,
      stock: 1000,
      status: 'active',
      created_at: at,
      updated_at: at,
    })),
  );
  const orderIds = Array.from({ length: ORDERS }, () => randomUUID());
  await copyRows(
    generator,
    'source.orders',
    (function* () {
      for (let i = 0; i < ORDERS; i++) {
        const placed = stamp(Math.floor((i / ORDERS) * 86_399_000));
        yield {
          order_id: orderIds[i]!,
          customer_id: customers[i % CUSTOMERS]!,
          status: i % 20 === 0 ? 'cancelled' : 'paid',
          currency: 'EUR',
          total_amount: products[i % PRODUCTS]!.price,
          placed_at: placed,
          updated_at: placed,
        } as const;
      }
    })(),
  );
  await copyRows(
    generator,
    'source.order_items',
    (function* () {
      for (let i = 0; i < ORDERS; i++)
        yield {
          order_id: orderIds[i]!,
          line_no: 1,
          product_id: products[i % PRODUCTS]!.id,
          quantity: 1,
          unit_price: products[i % PRODUCTS]!.price,
        };
    })(),
  );

  // Ours: the Spark job through the REST server.
  let runningAfterMs = 0;
  const submitted = Date.now();
  const sparkSeconds = await timed(() =>
    spark.submitAndWait(
      spark.pythonRequest({
        file: join(root, 'apps', 'spark-jobs', 'jobs', 'daily_batch.py'),
        name: `bench-daily-batch-${DAY}`,
        args: ['--date', DAY],
        env: { DATAPARK_STATE_DIR: config.stateDir },
      }),
      {
        timeoutMs: 3_600_000,
        pollMs: 200,
        onProgress: (state) => {
          if (state === 'RUNNING' && !runningAfterMs) runningAfterMs = Date.now() - submitted;
        },
      },
    ),
  );

  // Reference: PostgreSQL computing the same day's facts and aggregates in SQL.
  const sqlSeconds = await timed(async () => {
    const client = await owner.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `CREATE TEMP TABLE f ON COMMIT DROP AS
        SELECT o.order_id, o.customer_id, o.status, o.total_amount, sum(i.quantity) AS item_count
        FROM source.orders o JOIN source.order_items i USING (order_id)
        WHERE o.placed_at >= $1::date AND o.placed_at < $1::date + 1 GROUP BY o.order_id`,
        [DAY],
      );
      await client.query(
        `SELECT count(*), sum(item_count), sum(total_amount), count(DISTINCT customer_id) FROM f WHERE status NOT IN ('cancelled', 'refunded')`,
      );
      await client.query(`SELECT i.product_id, sum(i.quantity), sum(i.quantity * i.unit_price), count(DISTINCT i.order_id)
        FROM source.order_items i JOIN f USING (order_id) WHERE f.status NOT IN ('cancelled', 'refunded') GROUP BY i.product_id`);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
  const check = await owner.query(
    `SELECT orders_count FROM processed.daily_sales WHERE sales_date = $1`,
    [DAY],
  );
  const expected = ORDERS - Math.ceil(ORDERS / 20);
  if (check.rows[0]?.orders_count !== expected)
    throw new Error(
      `the job wrote ${check.rows[0]?.orders_count} orders for ${DAY}, expected ${expected}`,
    );
  printReport(
    {
      bench: 'spark',
      ours: ORDERS / sparkSeconds,
      reference: ORDERS / sqlSeconds,
      unit: 'orders/s',
    },
    [
      ['orders', `${ORDERS} on ${DAY} (1 item each; 5% cancelled)`],
      ['submit → driver RUNNING', `${runningAfterMs} ms`],
      [
        'Spark batch job wall time',
        `${sparkSeconds.toFixed(1)} s (JDBC in and out, 2 workers × 2 cores, 512 MB executors)`,
      ],
      ['PostgreSQL SQL, same aggregates', `${sqlSeconds.toFixed(1)} s (no writes)`],
    ],
  );
} finally {
  await cleanUp(customers);
  await Promise.all([generator.end(), owner.end()]);
}
