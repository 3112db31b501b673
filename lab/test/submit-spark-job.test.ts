import { randomUUID } from 'node:crypto';
import { createDb } from '@datapark/db';
import { asLab, config, runScript } from './fixtures.js';

// The lab's PySpark job, submitted by its path through the lab's script to the shared Spark:
// it reads `source` as the lab role and writes lab.first_spark_category_revenue. The shop's
// rows of a day and a category of this test's own make its row exactly predictable.
const generator = createDb(config, 'generator', { max: 1 });
const db = asLab();

const DAY = `2002-0${1 + Math.floor(Math.random() * 9)}-${10 + Math.floor(Math.random() * 18)}`;
const CATEGORY = `lab-test-${randomUUID().slice(0, 8)}`;
const customer = randomUUID();
const products = [randomUUID(), randomUUID()];
const orders = [
  {
    id: randomUUID(),
    status: 'paid',
    lines: [
      [0, 2, '10.00'],
      [1, 1, '4.50'],
    ],
  },
  { id: randomUUID(), status: 'delivered', lines: [[0, 1, '10.00']] },
  { id: randomUUID(), status: 'cancelled', lines: [[1, 5, '4.50']] }, // left out
] as const;

beforeAll(async () => {
  const at = `${DAY}T09:00:00Z`;
  await generator
    .insertInto('source.customers')
    .values({
      customer_id: customer,
      email: `${customer}@example.test`,
      first_name: 'Lab',
      last_name: 'Test',
      country: 'DE',
      city: 'Berlin',
      registered_at: at,
      updated_at: at,
      deleted_at: null,
    })
    .execute();
  await generator
    .insertInto('source.products')
    .values(
      products.map((id, i) => ({
        product_id: id,
        sku: `SKU-${id}`,
        name: `P${i}`,
        category: CATEGORY,
        price: i ? '4.50' : '10.00',
        stock: 10,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
  for (const order of orders) {
    const total = order.lines.reduce((sum, [, qty, price]) => sum + qty * Number(price), 0);
    await generator
      .insertInto('source.orders')
      .values({
        order_id: order.id,
        customer_id: customer,
        status: order.status,
        total_amount: total.toFixed(2),
        placed_at: at,
        updated_at: at,
      })
      .execute();
    await generator
      .insertInto('source.order_items')
      .values(
        order.lines.map(([product, quantity, unit_price], i) => ({
          order_id: order.id,
          line_no: i + 1,
          product_id: products[product]!,
          quantity,
          unit_price,
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
  await generator.deleteFrom('source.customers').where('customer_id', '=', customer).execute();
  await db
    .query('DELETE FROM lab.first_spark_category_revenue WHERE category = $1', [CATEGORY])
    .catch(() => undefined);
  await Promise.all([generator.destroy(), db.end()]);
});

describe('lab/scripts/submit-spark-job.ts with lab/spark/first_job.py', () => {
  it("runs the job by its path on the shared Spark, which writes the day's revenue per category as the lab role", async () => {
    const run = await runScript('submit-spark-job.ts', ['spark/first_job.py']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^driver-\d+-\d+: SUBMITTED$/m);
    expect(run.stdout).toMatch(/^driver-\d+-\d+: FINISHED$/m);
    expect(run.stdout).toMatch(/first_job\.py finished in \d+\.\d s$/m);
    // What the job printed, read back from the worker that ran it.
    expect(run.stdout).toMatch(
      /^it printed:\n(.*\n)*wrote \d+ rows \(day x category\) to lab\.first_spark_category_revenue/m,
    );

    const { rows } = await db.query<{ orders: number; units: number; revenue: string }>(
      `SELECT orders::int, units::int, revenue::text FROM lab.first_spark_category_revenue
        WHERE day = $1::date AND category = $2`,
      [DAY, CATEGORY],
    );
    // paid: 2 x 10.00 + 1 x 4.50, delivered: 1 x 10.00; the cancelled order is left out.
    expect(rows).toEqual([{ orders: 2, units: 4, revenue: '34.50' }]);
    const owner = await db.query<{ owner: string }>(
      `SELECT tableowner AS owner FROM pg_tables
        WHERE schemaname = 'lab' AND tablename = 'first_spark_category_revenue'`,
    );
    expect(owner.rows).toEqual([{ owner: 'lab' }]);
  }, 600_000);

  it('says how to call it, and refuses what is not a .py file', async () => {
    const run = await runScript('submit-spark-job.ts', ['spark/first_job.txt']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: node lab/scripts/submit-spark-job.ts <job.py>');
  });
});
