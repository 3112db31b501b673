// bench:spark — the daily batch job on the local cluster over BENCH_ORDERS orders (default 1M)
// placed on one day, submit → FINISHED, with where the time went (from the driver's log).
// Reference: the same work done by PostgreSQL itself: the same reads, the same writes into the
// same tables (dimensions replaced, the day's facts and aggregates rewritten), as the same
// role, committed. Rounds alternated, every round printed, medians compared.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import { copyRows, createPool } from '@datapark/db';
import { DRIVER_JAVA_OPTIONS, SparkRestClient, TIERED_JIT_CONF } from '@datapark/spark-client';
import { dailyBatchInSql } from './daily-batch-sql.js';
import { printReport, timed } from './report.js';
import { alternateRounds, describeRounds } from './rounds.js';
import { driverTimeline } from './spark-timeline.js';

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 1_000_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
/** `both`: a side for the job with C2 too, beside the platform's C1-only JVMs. */
const JIT = process.env['BENCH_SPARK_JIT'] ?? 'c1';
const DAY = '1999-06-15';
const CUSTOMERS = 20_000;
const PRODUCTS = 2_000;

const config = loadConfig();
const generator = createPool(config, 'generator', { max: 2 });
const owner = createPool(config, 'owner', { max: 2 });
const sparkEtl = createPool(config, 'spark_etl', { max: 1 });
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

  const expected = ORDERS - Math.ceil(ORDERS / 20);
  const checkDay = async (who: string) => {
    const check = await owner.query(
      `SELECT orders_count FROM processed.daily_sales WHERE sales_date = $1`,
      [DAY],
    );
    if (check.rows[0]?.orders_count !== expected)
      throw new Error(
        `${who} wrote ${check.rows[0]?.orders_count} orders for ${DAY}, expected ${expected}`,
      );
  };
  let timeline = '';
  /** The Spark side: the platform's submission, `conf` on top (the JIT variant measured). */
  const sparkSide = (name: string, conf: Record<string, string>) => ({
    name,
    run: async () => {
      let runningAfterMs = 0;
      let driverId = '';
      const submitted = Date.now();
      const seconds = await timed(() =>
        spark.submitAndWait(
          spark.pythonRequest({
            file: join(root, 'apps', 'spark-jobs', 'jobs', 'daily_batch.py'),
            name: `bench-daily-batch-${DAY}`,
            args: ['--date', DAY],
            env: { DATAPARK_STATE_DIR: config.stateDir },
            conf,
          }),
          {
            timeoutMs: 3_600_000,
            pollMs: 200,
            onProgress: (state, id) => {
              driverId = id;
              if (state === 'RUNNING' && !runningAfterMs) runningAfterMs = Date.now() - submitted;
            },
          },
        ),
      );
      await checkDay(`the Spark job (${name})`);
      const t = driverTimeline(config.stateDir, driverId);
      timeline = t
        ? [
            `submit → driver RUNNING ${(runningAfterMs / 1000).toFixed(1)} s`,
            ...t.steps.map((s) => `${s.what} at +${s.atSeconds} s`),
            ...t.jobs.map((j) => `job "${j.what}" ${j.seconds.toFixed(1)} s`),
          ].join('; ')
        : `submit → driver RUNNING ${(runningAfterMs / 1000).toFixed(1)} s (driver log not found)`;
      process.stderr.write(`    where the time went (${name}): ${timeline}\n`);
      return { rate: ORDERS / seconds, detail: `${seconds.toFixed(1)} s submit → FINISHED` };
    },
  });
  const rounds = await alternateRounds(
    [
      sparkSide('Spark daily_batch', {}),
      // BENCH_SPARK_JIT=both: the same job with C2 as well, beside the platform's C1 only.
      ...(JIT === 'both' ? [sparkSide('Spark daily_batch, C1+C2', TIERED_JIT_CONF)] : []),
      {
        name: 'PostgreSQL INSERT … SELECT',
        run: async () => {
          const seconds = await timed(() => dailyBatchInSql(sparkEtl, DAY));
          await checkDay('PostgreSQL');
          return { rate: ORDERS / seconds, detail: `${seconds.toFixed(1)} s, one transaction` };
        },
      },
    ],
    ROUNDS,
    { unit: 'orders/s' },
  );
  const sparkRates = rounds.rates['Spark daily_batch']!;
  const sqlRates = rounds.rates['PostgreSQL INSERT … SELECT']!;
  printReport(
    {
      bench: 'spark',
      ours: rounds.median['Spark daily_batch']!,
      reference: rounds.median['PostgreSQL INSERT … SELECT']!,
      unit: 'orders/s',
    },
    [
      ['orders', `${ORDERS} on ${DAY} (1 item each; 5% cancelled)`],
      [
        'ours',
        `the daily batch on Spark (JDBC in and out, 2 workers × 2 cores, 512 MB executors, JVMs C1 only as the platform starts batch jobs: ${DRIVER_JAVA_OPTIONS}), submit → FINISHED; rounds ${describeRounds(sparkRates)}`,
      ],
      ['ours: where the time went', timeline],
      ...(JIT === 'both'
        ? [
            [
              'ours with C2 too (BENCH_SPARK_JIT=both)',
              `-XX:+TieredCompilation for driver and executor; rounds ${describeRounds(rounds.rates['Spark daily_batch, C1+C2']!)}`,
            ] as [string, string],
          ]
        : []),
      [
        'reference',
        `PostgreSQL doing the same reads and writes in SQL (dimensions replaced, the day rewritten), as spark_etl, committed; rounds ${describeRounds(sqlRates)}`,
      ],
    ],
    1,
  );
} finally {
  await cleanUp(customers);
  await Promise.all([generator.end(), owner.end(), sparkEtl.end()]);
}
