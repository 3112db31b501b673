import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { LAKE_CATALOG, loadConfig } from '@datapark/config';
import { createDb } from '@datapark/db';
import { openLake } from '@datapark/lake';
import {
  SparkHistoryClient,
  SparkJobFailedError,
  SparkRestClient,
  SparkTimeoutError,
} from '@datapark/spark-client';

const config = loadConfig();
const spark = SparkRestClient.fromConfig(config);
const history = SparkHistoryClient.fromConfig(config);
const ingest = createDb(config, 'ingest', { max: 1 });
const owner = createDb(config, 'owner', { max: 1 });
const admin = createDb(config, 'admin', { max: 1 });
const JOB = join(import.meta.dirname, '..', 'jobs', 'lake_daily.py');

// A day of its own, far in the past (daily-batch.test.ts uses 2001), so reruns never share rows.
const DAY = `2002-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-${String(10 + Math.floor(Math.random() * 18))}`;
const at = (hour: number, minute = 0) =>
  new Date(`${DAY}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`);
const customers = [randomUUID(), randomUUID()] as const;
const products = [randomUUID(), randomUUID()] as const;
// The orders of daily-batch.test.ts, as the shop's events tell them: paid, delivered, cancelled.
const orders = [
  {
    id: randomUUID(),
    customer: customers[0],
    total: '24.50',
    items: [
      { line_no: 1, product_id: products[0], quantity: 2, unit_price: '10.00' },
      { line_no: 2, product_id: products[1], quantity: 1, unit_price: '4.50' },
    ],
    then: ['order_paid'],
  },
  {
    id: randomUUID(),
    customer: customers[1],
    total: '10.00',
    items: [{ line_no: 1, product_id: products[0], quantity: 1, unit_price: '10.00' }],
    then: ['order_paid', 'order_delivered'],
  },
  {
    id: randomUUID(),
    customer: customers[1],
    total: '22.50',
    items: [{ line_no: 1, product_id: products[1], quantity: 5, unit_price: '4.50' }],
    then: ['order_cancelled'],
  },
];
// Kafka positions no real record has: a partition the order-events topic does not have.
const PARTITION = 900 + Math.floor(Math.random() * 99);
let offset = 0;

function landed(order: (typeof orders)[number], type: string, when: Date, eventId = randomUUID()) {
  const ref = { order_id: order.id, customer_id: order.customer };
  const payload =
    type === 'order_placed'
      ? { ...ref, items: order.items, total_amount: order.total, currency: 'EUR', session_id: null }
      : type === 'order_paid'
        ? { ...ref, amount: order.total, payment_method: 'card' }
        : type === 'order_cancelled'
          ? { ...ref, reason: 'customer_request' }
          : ref;
  return {
    event_id: eventId,
    event_type: type,
    schema_version: 1,
    occurred_at: when,
    producer: 'lake-daily-test',
    order_id: order.id,
    payload: JSON.stringify(payload),
    kafka_topic: 'order-events',
    kafka_partition: PARTITION,
    kafka_offset: String(offset++),
  };
}

const placedTwice = randomUUID(); // one order_placed event a producer retry landed twice
const events = orders.flatMap((order, n) => [
  landed(order, 'order_placed', at(8 + n, 30), n === 0 ? placedTwice : undefined),
  ...order.then.map((type, i) => landed(order, type, at(8 + n, 40 + i))),
]);
events.push(landed(orders[0]!, 'order_placed', at(8, 30), placedTwice));

/** processed.daily_sales as the daily batch writes it for these orders (see daily-batch.test.ts). */
const PROCESSED = {
  sales_date: DAY,
  orders_count: 2,
  items_sold: 4,
  revenue: '34.50',
  avg_order_value: '17.25',
  distinct_customers: 2,
};

beforeAll(async () => {
  await ingest.insertInto('raw.order_events').values(events).execute();
  await owner.insertInto('processed.daily_sales').values(PROCESSED).execute();
});

afterAll(async () => {
  await sql`DELETE FROM raw.order_events WHERE kafka_partition = ${PARTITION} AND producer = 'lake-daily-test'`.execute(
    owner,
  );
  await sql`DELETE FROM processed.daily_sales WHERE sales_date = ${DAY}::date`.execute(owner);
  await Promise.all([ingest.destroy(), owner.destroy(), admin.destroy()]);
});

interface Summary {
  readonly rows: Record<string, number>;
  readonly gold: Record<string, unknown> | null;
  readonly reconciled: boolean;
}

/** Runs the job; returns its summary line and the driver's whole output. */
async function runLakeDaily(...args: string[]): Promise<{ summary: Summary; output: string }> {
  const started = Date.now();
  let submissionId: string | undefined;
  let failure: unknown;
  try {
    ({ submissionId } = await spark.submitAndWait(
      spark.pythonRequest({
        file: JOB,
        name: `lake-daily-test-${DAY}`,
        args: ['--date', DAY, ...args],
        env: { DATAPARK_STATE_DIR: config.stateDir },
      }),
      {
        timeoutMs: 900_000,
        onProgress: (_state, id) => {
          submissionId = id;
        },
      },
    ));
  } catch (error) {
    failure = error;
    // One Spark app at a time on a shared cluster: a driver that outlived the test goes.
    if (error instanceof SparkTimeoutError && submissionId) await spark.kill(submissionId);
  }
  const driver = submissionId ? await spark.driverOutput(submissionId) : undefined;
  const output = `${driver?.stdout ?? ''}\n${driver?.stderr ?? ''}`;
  console.info(`lake_daily ${args.join(' ')}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const line = output.split('\n').find((l) => l.startsWith('lake_daily {'));
  if (!line) throw failure ?? new Error(`no summary line in the driver's output:\n${output}`);
  const summary = JSON.parse(line.slice('lake_daily '.length)) as Summary;
  if (failure) throw Object.assign(failure as Error, { summary, output });
  return { summary, output };
}

/** Polls `probe` (the history server picks event logs up every few seconds) for up to 90 s. */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + 90_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('the history server never listed the application');
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

describe('the lake job on the real cluster, catalog and object store', () => {
  it("archives the day's order events to bronze, builds silver and gold, and gold reconciles with processed", async () => {
    const { summary, output } = await runLakeDaily();
    expect(summary.rows).toEqual({
      'lake.bronze.order_events': 8, // as landed: the retried order_placed twice
      'lake.silver.orders': 3, // deduplicated
      'lake.silver.order_items': 4,
      'lake.gold.daily_sales': 1,
    });
    expect(summary.gold).toEqual({
      sales_date: DAY,
      orders_count: 2, // the cancelled order does not sell
      items_sold: 4,
      revenue: '34.50',
      avg_order_value: '17.25',
      distinct_customers: 2,
    });
    expect(summary.reconciled).toBe(true);

    // The catalog is in PostgreSQL (schema iceberg), the tables' metadata in the object store.
    const { rows } = await sql<{ table: string; metadata_location: string }>`
      SELECT table_namespace || '.' || table_name AS table, metadata_location
        FROM ${sql.table(`${LAKE_CATALOG.schema}.iceberg_tables`)}
       WHERE catalog_name = ${LAKE_CATALOG.name} ORDER BY 1`.execute(admin);
    expect(rows.map((r) => r.table)).toEqual(
      expect.arrayContaining([
        'bronze.order_events',
        'gold.daily_sales',
        'silver.order_items',
        'silver.orders',
      ]),
    );
    for (const row of rows)
      expect(row.metadata_location).toMatch(new RegExp(`^${config.lake.warehouse}/`));

    // Neither the catalog password nor the store's keys reach the driver's output.
    for (const secret of [
      config.lake.catalogPassword!,
      config.s3.secretAccessKey!,
      config.s3.accessKeyId!,
      config.postgres.roles.spark_etl.password!,
    ])
      expect(output).not.toContain(secret);

    // Nor the history server (the event log): Spark redacts them, Iceberg's s3.access-key-id
    // included, by the widened spark.redaction.regex the settings carry.
    const environment = await eventually(async () => {
      const apps = await history.applications({ limit: 30 });
      const app = apps.find((a) => a.name === `lake-daily-${DAY}`);
      return app && (await history.environment(app.id));
    });
    const properties = Object.fromEntries(environment.sparkProperties);
    for (const key of ['jdbc.password', 's3.access-key-id', 's3.secret-access-key'])
      expect([key, properties[`spark.sql.catalog.lake.${key}`]]).toEqual([
        key,
        '*********(redacted)',
      ]);
    const shown = JSON.stringify(environment);
    for (const secret of [config.lake.catalogPassword!, config.s3.secretAccessKey!])
      expect(shown).not.toContain(secret);
  }, 1_000_000);

  it("reads the day back from TypeScript with DuckDB (@datapark/lake): gold's row equals processed's, silver and bronze as Spark counted them", async () => {
    const lake = await openLake(config);
    try {
      const gold = await lake.gold.dailySales({ from: DAY, to: DAY });
      const processed = await owner
        .selectFrom('processed.daily_sales')
        .select([
          'sales_date',
          'orders_count',
          'items_sold',
          'revenue',
          'avg_order_value',
          'distinct_customers',
        ])
        .where('sales_date', '=', DAY)
        .execute();
      expect(processed).toEqual([PROCESSED]); // what the test put there, read back by PostgreSQL
      expect(gold).toEqual(processed); // same types too: the date and money as strings

      const counts = await lake.query<{ table: string; n: string }>(
        `SELECT 'bronze' AS table, count(*) AS n FROM lake.bronze.order_events
          WHERE occurred_at::DATE = $1::DATE AND kafka_partition = $2
         UNION ALL SELECT 'orders', count(*) FROM lake.silver.orders WHERE order_date = $1::DATE
         UNION ALL SELECT 'items', count(*) FROM lake.silver.order_items WHERE order_date = $1::DATE`,
        [DAY, PARTITION],
      );
      expect(Object.fromEntries(counts.map((c) => [c.table, Number(c.n)]))).toEqual({
        bronze: 8,
        orders: 3,
        items: 4,
      });
      const statuses = await lake.query<{ order_id: string; status: string; total_amount: string }>(
        `SELECT order_id, status, total_amount FROM lake.silver.orders
          WHERE order_date = $1::DATE ORDER BY placed_at`,
        [DAY],
      );
      expect(statuses).toEqual([
        { order_id: orders[0]!.id, status: 'paid', total_amount: '24.50' },
        { order_id: orders[1]!.id, status: 'delivered', total_amount: '10.00' },
        { order_id: orders[2]!.id, status: 'cancelled', total_amount: '22.50' },
      ]);

      // Time travel: the table as of its latest snapshot has the day's row; as of its first,
      // no more days than now (a day's overwrite never removes another day).
      const snapshots = await lake.snapshots('gold.daily_sales');
      expect(snapshots.length).toBeGreaterThan(0);
      const daysAt = async (snapshotId: string) => {
        const rows = await lake.query<{ sales_date: string }>(
          `SELECT sales_date FROM ${lake.tableAt('gold.daily_sales', snapshotId)}`,
        );
        return rows.map((r) => r.sales_date);
      };
      const latest = await daysAt(snapshots.at(-1)!.snapshot_id);
      expect(latest).toContain(DAY);
      const first = await daysAt(snapshots[0]!.snapshot_id);
      expect(first.length).toBeLessThanOrEqual(latest.length);
    } finally {
      lake.close();
    }
  }, 300_000);

  it('fails, naming the column and both values, when processed was tampered with', async () => {
    await sql`UPDATE processed.daily_sales SET revenue = revenue + 1 WHERE sales_date = ${DAY}::date`.execute(
      owner,
    );
    const failure = await runLakeDaily('--reconcile-only').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SparkJobFailedError);
    const { summary, output } = failure as SparkJobFailedError & {
      summary: Summary;
      output: string;
    };
    expect(summary.reconciled).toBe(false);
    expect(output).toContain(`ReconciliationError: lake gold != processed for ${DAY}`);
    expect(output).toContain('revenue: lake 34.50 != processed 35.50');
    expect(output).not.toMatch(/orders_count: lake/);
  }, 1_000_000);
});
