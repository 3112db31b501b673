import { randomUUID } from 'node:crypto';
import { config, killLeftovers, runCli, waitFor } from './fixtures.js';
import { createPool } from '@datapark/db';
import { SparkRestClient } from '@datapark/spark-client';
import { QUALITY_CHECKS } from '../src/quality/check-definitions.js';
import { reconcileProcessed } from '../src/drill/reconcile-processed.js';

// UTC sessions, so `::date` means the UTC day the batch job computes.
const utc = (role: 'generator' | 'analyst' | 'owner' | 'spark_etl') => {
  const pool = createPool(config, role, { max: 2, options: '-c TimeZone=UTC' });
  pool.on('error', () => undefined);
  return pool;
};
const generator = utc('generator');
const analyst = utc('analyst');
const owner = utc('owner');
const sparkEtl = utc('spark_etl');

// A day of its own, far in the past, so reruns and other tests never share its rows.
const DAY = `1999-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-${String(10 + Math.floor(Math.random() * 18))}`;
const at = (hour: number) => `${DAY}T${String(hour).padStart(2, '0')}:15:00Z`;
const customers = [randomUUID(), randomUUID(), randomUUID()];
const products = [randomUUID(), randomUUID(), randomUUID()];
const PRICES = ['12.00', '3.25', '99.90'];
type Line = readonly [product: number, quantity: number];
const ORDERS: { id: string; customer: number; status: string; hour: number; lines: Line[] }[] = [
  {
    id: randomUUID(),
    customer: 0,
    status: 'paid',
    hour: 1,
    lines: [
      [0, 2],
      [1, 1],
    ],
  },
  { id: randomUUID(), customer: 0, status: 'delivered', hour: 5, lines: [[2, 1]] },
  { id: randomUUID(), customer: 1, status: 'cancelled', hour: 9, lines: [[0, 4]] },
  { id: randomUUID(), customer: 2, status: 'refunded', hour: 13, lines: [[1, 3]] },
  {
    id: randomUUID(),
    customer: 2,
    status: 'shipped',
    hour: 23,
    lines: [
      [1, 2],
      [2, 1],
      [0, 1],
    ],
  },
];
// Placed the next day: must not show up in DAY's facts.
const NEXT_DAY_ORDER = randomUUID();

beforeAll(async () => {
  for (const [i, id] of customers.entries())
    await generator.query(
      `INSERT INTO source.customers (customer_id, email, first_name, last_name, country, city, registered_at, updated_at)
       VALUES ($1, $2, $3, 'Tester', 'DE', 'Berlin', $4, $4)`,
      [id, `${id}@quality.test`, `C${i}`, `${DAY}T00:00:00Z`],
    );
  for (const [i, id] of products.entries())
    await generator.query(
      `INSERT INTO source.products (product_id, sku, name, category, price, stock, created_at, updated_at)
       VALUES ($1, $2, $3, 'test', $4, 50, $5, $5)`,
      [id, `SKU-${id}`, `P${i}`, PRICES[i], `${DAY}T00:00:00Z`],
    );
  const insertOrder = async (
    id: string,
    customer: number,
    status: string,
    placedAt: string,
    lines: Line[],
  ) => {
    const total = lines.reduce((sum, [p, q]) => sum + q * Number(PRICES[p]), 0).toFixed(2);
    await generator.query(
      `INSERT INTO source.orders (order_id, customer_id, status, total_amount, placed_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [id, customers[customer], status, total, placedAt],
    );
    for (const [n, [p, q]] of lines.entries())
      await generator.query(
        `INSERT INTO source.order_items (order_id, line_no, product_id, quantity, unit_price)
         VALUES ($1, $2, $3, $4, $5)`,
        [id, n + 1, products[p], q, PRICES[p]],
      );
  };
  for (const o of ORDERS) await insertOrder(o.id, o.customer, o.status, at(o.hour), o.lines);
  const nextDay = new Date(Date.parse(`${DAY}T00:30:00Z`) + 86_400_000).toISOString();
  await insertOrder(NEXT_DAY_ORDER, 1, 'paid', nextDay, [[0, 1]]);
});

afterAll(async () => {
  killLeftovers();
  const ids = [...ORDERS.map((o) => o.id), NEXT_DAY_ORDER];
  for (const [table, column] of [
    ['processed.fact_order_items', 'order_date'],
    ['processed.fact_orders', 'order_date'],
    ['processed.daily_sales', 'sales_date'],
    ['processed.product_performance', 'sales_date'],
  ])
    await owner.query(`DELETE FROM ${table} WHERE ${column} = $1::date`, [DAY]);
  await owner.query('DELETE FROM processed.dim_customers WHERE customer_id = ANY($1::uuid[])', [
    customers,
  ]);
  await owner.query('DELETE FROM processed.dim_products WHERE product_id = ANY($1::uuid[])', [
    products,
  ]);
  await generator.query('DELETE FROM source.order_items WHERE order_id = ANY($1::uuid[])', [ids]);
  await generator.query('DELETE FROM source.orders WHERE order_id = ANY($1::uuid[])', [ids]);
  await generator.query('DELETE FROM source.products WHERE product_id = ANY($1::uuid[])', [
    products,
  ]);
  await generator.query('DELETE FROM source.customers WHERE customer_id = ANY($1::uuid[])', [
    customers,
  ]);
  await Promise.all([generator.end(), analyst.end(), owner.end(), sparkEtl.end()]);
});

const spark = SparkRestClient.fromConfig(config);

/**
 * Every check about DAY. `raw_ingest_recent` asks whether ingest landed anything in the last
 * 24 hours, whatever the day: on a fresh platform no ingest has run when this file does, so its
 * warning would depend on the order of the test files.
 */
const DAY_CHECKS = QUALITY_CHECKS.map((c) => c.name).filter((n) => n !== 'raw_ingest_recent');
const checkDay = (...extra: string[]) =>
  runCli(['quality', 'check', '--date', DAY, '--only', DAY_CHECKS.join(','), ...extra]);
const ALL_PASSED = new RegExp(`${DAY_CHECKS.length}/${DAY_CHECKS.length} checks passed`);

/**
 * The daily batch replaces the dimensions whole (truncate, then insert): while any daily batch
 * runs, the dimensions are briefly incomplete. Quality checks of the star schema wait for quiet.
 */
async function noDailyBatchRunning(): Promise<void> {
  await waitFor(
    'other daily batch runs to finish',
    async () =>
      (await spark.masterJson()).activeapps.some((app) => app.name.startsWith('daily-batch-'))
        ? undefined
        : true,
    600_000,
    2000,
  );
}

/** The day's facts and aggregates, computed here straight from `source`. */
async function expectedFromSource() {
  const orders = await analyst.query(
    `SELECT o.order_id, o.customer_id, o.status, sum(i.quantity)::int AS item_count, o.total_amount::text
       FROM source.orders o JOIN source.order_items i USING (order_id)
      WHERE o.placed_at::date = $1::date
      GROUP BY o.order_id ORDER BY o.order_id`,
    [DAY],
  );
  const sales = await analyst.query(
    `WITH sold AS (SELECT * FROM source.orders
                    WHERE placed_at::date = $1::date AND status NOT IN ('cancelled', 'refunded'))
     SELECT (SELECT count(*) FROM sold)::int AS orders_count,
            (SELECT coalesce(sum(quantity), 0) FROM source.order_items WHERE order_id IN (SELECT order_id FROM sold))::int AS items_sold,
            (SELECT coalesce(sum(total_amount), 0) FROM sold)::numeric(14,2)::text AS revenue,
            (SELECT count(DISTINCT customer_id) FROM sold)::int AS distinct_customers`,
    [DAY],
  );
  const perProduct = await analyst.query(
    `SELECT i.product_id, sum(i.quantity)::int AS units_sold,
            sum(i.quantity * i.unit_price)::numeric(14,2)::text AS revenue,
            count(DISTINCT i.order_id)::int AS orders_count
       FROM source.order_items i JOIN source.orders o USING (order_id)
      WHERE o.placed_at::date = $1::date AND o.status NOT IN ('cancelled', 'refunded')
      GROUP BY i.product_id ORDER BY i.product_id`,
    [DAY],
  );
  return { orders: orders.rows, sales: sales.rows[0], perProduct: perProduct.rows };
}

async function processed() {
  const orders = await analyst.query(
    `SELECT order_id, customer_id, status, item_count, total_amount::text
       FROM processed.fact_orders WHERE order_date = $1::date ORDER BY order_id`,
    [DAY],
  );
  const sales = await analyst.query(
    `SELECT orders_count, items_sold, revenue::text, distinct_customers
       FROM processed.daily_sales WHERE sales_date = $1::date`,
    [DAY],
  );
  const perProduct = await analyst.query(
    `SELECT product_id, units_sold, revenue::text, orders_count
       FROM processed.product_performance WHERE sales_date = $1::date ORDER BY product_id`,
    [DAY],
  );
  return { orders: orders.rows, sales: sales.rows[0], perProduct: perProduct.rows };
}

describe('datapark-etl batch run (direct and through Airflow) and quality check', () => {
  it('computes the day on Spark equal to an independent SQL computation over source, and records the run', async () => {
    const result = await runCli(['batch', 'run', '--direct', '--date', DAY, '--json']);
    expect({ code: result.code, stderr: result.code ? result.stderr : '' }).toEqual({
      code: 0,
      stderr: '',
    });
    // Progress and the final state are shown.
    expect(result.stderr).toMatch(/RUNNING/);
    expect(result.stderr).toMatch(new RegExp(`batch ${DAY}: FINISHED`));
    const run = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      runId: string;
      rowsWritten: number;
    };

    const expected = await expectedFromSource();
    expect(expected.orders).toHaveLength(ORDERS.length);
    expect(expected.sales).toEqual({
      orders_count: 3,
      items_sold: 8,
      revenue: '245.55',
      distinct_customers: 2,
    });
    expect(await processed()).toEqual(expected);

    const recorded = await analyst.query(
      `SELECT job_name, logical_date::text, status, rows_written::int, details->>'submissionId' AS submission
         FROM etl.job_runs WHERE run_id = $1`,
      [run.runId],
    );
    expect(recorded.rows[0]).toEqual({
      job_name: 'daily_batch',
      logical_date: DAY,
      status: 'success',
      rows_written: run.rowsWritten,
      submission: expect.stringMatching(/^driver-/),
    });
    // 5 orders, 8 lines, 1 day row, 3 products sold.
    expect(run.rowsWritten).toBe(5 + 8 + 1 + 3);
    // The drill's reconciliation agrees: every order and line, nothing else.
    expect(await reconcileProcessed(analyst, DAY, new Date('2100-01-01'))).toMatchObject({
      orders: 5,
      lines: 8,
      missing: 0,
      extra: 0,
      differing: 0,
    });

    // Everything the checks look at for this day holds.
    await noDailyBatchRunning();
    const checked = await checkDay();
    expect({ code: checked.code, out: checked.stderr }).toEqual({
      code: 0,
      out: expect.stringMatching(ALL_PASSED),
    });
  }, 600_000);

  it('fails a check on a seeded bad row, naming the check, the table, the count and the row, and exits non-zero', async () => {
    const bad = randomUUID();
    await sparkEtl.query(
      `INSERT INTO processed.fact_orders (order_id, customer_id, order_date, status, item_count, total_amount, placed_at)
       VALUES ($1, $2, $3::date, 'paid', 1, -5.00, $4)`,
      [bad, customers[0], DAY, at(12)],
    );
    await noDailyBatchRunning();
    const result = await checkDay('--json');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '✗ fact_orders_values_in_range (range) on processed.fact_orders: 1 failing row, e.g. {',
    );
    expect(result.stderr).toContain(`"order_id":"${bad}"`);
    expect(result.stderr).toContain('"total_amount":-5');
    // The seeded order is not in source either: the reconciliation says so too.
    expect(result.stderr).toMatch(/✗ orders_source_vs_processed .* 1 failing row/);

    const run = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { runId: string };
    const stored = await analyst.query(
      `SELECT r.status, c.check_name, c.passed, c.failing_rows::int, c.example->>'order_id' AS example
         FROM quality.check_runs r JOIN quality.check_results c USING (run_id)
        WHERE r.run_id = $1 AND NOT c.passed ORDER BY c.check_name`,
      [run.runId],
    );
    expect(stored.rows).toEqual([
      {
        status: 'failed',
        check_name: 'fact_orders_values_in_range',
        passed: false,
        failing_rows: 1,
        example: bad,
      },
      {
        status: 'failed',
        check_name: 'orders_source_vs_processed',
        passed: false,
        failing_rows: 1,
        example: bad,
      },
    ]);
  }, 120_000);

  it("the drill's source↔processed reconciliation counts a missing, an extra and a differing row, within the batch's cutoff", async () => {
    const [first, second] = ORDERS;
    // The seeded order of the test above is still there: one extra order.
    await sparkEtl.query(
      'DELETE FROM processed.fact_order_items WHERE order_id = $1 AND line_no = 1',
      [first!.id],
    );
    await sparkEtl.query(
      'UPDATE processed.fact_orders SET total_amount = total_amount + 1 WHERE order_id = $1',
      [second!.id],
    );
    expect(await reconcileProcessed(analyst, DAY, new Date('2100-01-01'))).toMatchObject({
      orders: 5,
      lines: 8,
      missing: 1,
      extra: 1,
      differing: 1,
    });
    // A cutoff at 10:15 covers the orders of 01:15, 05:15 and 09:15; the later two, with their
    // four lines, count as extra, as rows written beyond a batch's cutoff would.
    expect(await reconcileProcessed(analyst, DAY, new Date(at(10)))).toMatchObject({
      orders: 3,
      lines: 4,
      missing: 1,
      extra: 1 + 2 + 4,
      differing: 1,
    });
  });

  it('runs the same day through the Airflow DAG: the rerun replaces the bad row, records the run, and the checks pass again', async () => {
    const result = await runCli(['batch', 'run', '--date', DAY, '--json']);
    expect({ code: result.code, stderr: result.code ? result.stderr : '' }).toEqual({
      code: 0,
      stderr: '',
    });
    // Each task's progress, then the final state.
    expect(result.stderr).toMatch(/triggered manual__/);
    expect(result.stderr).toMatch(/submit_spark_job: success/);
    expect(result.stderr).toMatch(new RegExp(`batch ${DAY}: success in`));
    const run = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      runId: string;
      dagRunId: string;
    };
    const recorded = await analyst.query(
      `SELECT job_name, logical_date::text, status, details->>'airflow_run_id' AS dag_run
         FROM etl.job_runs WHERE run_id = $1`,
      [run.runId],
    );
    expect(recorded.rows).toEqual([
      {
        job_name: 'datapark_batch_etl',
        logical_date: DAY,
        status: 'success',
        dag_run: run.dagRunId,
      },
    ]);
    expect(await processed()).toEqual(await expectedFromSource());
    await noDailyBatchRunning();
    const checked = await checkDay();
    expect({ code: checked.code, out: checked.stderr }).toEqual({
      code: 0,
      out: expect.stringMatching(ALL_PASSED),
    });
  }, 600_000);
});
