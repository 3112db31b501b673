import type { PlatformReport } from '../src/report/platform-report.js';
import { config, pool, runCli } from './fixtures.js';

const analyst = pool('analyst');

afterAll(async () => {
  await analyst.end();
});

describe('datapark-etl report: the lake', () => {
  it('lists every lake table with its rows and snapshots, and gold beside processed for the newest shared day', async () => {
    const result = await runCli(['report', '--json']);
    expect(result.code).toBe(0);
    const { lake } = JSON.parse(result.stdout) as PlatformReport;
    if (!lake.reachable) throw new Error(`the lake was not read: ${lake.error}`);

    // npm test's test data built gold for a day of the shop before any test ran.
    const gold = lake.tables.find((t) => t.table === 'lake.gold.daily_sales');
    expect(gold?.rows).toBeGreaterThan(0);
    expect(gold?.snapshots).toBeGreaterThanOrEqual(1);
    for (const t of lake.tables) expect(t.table).toMatch(/^lake\.(bronze|silver|gold)\.\w+$/);

    // Each side as its own store has it for the day the report chose.
    expect(lake.gold).not.toBeNull();
    const { day } = lake.gold!;
    const {
      rows: [processed],
    } = await analyst.query<{ orders: number; revenue: string }>(
      'SELECT orders_count AS orders, revenue::text AS revenue FROM processed.daily_sales WHERE sales_date = $1',
      [day],
    );
    expect(lake.gold!.processed).toEqual(processed);
    // As the report loads it (lazily: DuckDB's native module is for the lake's readers alone).
    const { openLake } = await import('@datapark/lake');
    const reader = await openLake(config);
    try {
      const [row] = await reader.gold.dailySales({ from: day, to: day });
      expect(lake.gold!.lake).toEqual({ orders: row!.orders_count, revenue: row!.revenue });
    } finally {
      reader.close();
    }
    expect(lake.gold!.agree).toBe(
      processed!.orders === lake.gold!.lake.orders &&
        Number(processed!.revenue) === Number(lake.gold!.lake.revenue),
    );

    // And as a table for a person.
    const text = await runCli(['report']);
    expect(text.stdout).toContain('Lake (Iceberg tables in the object store, read with DuckDB)');
    expect(text.stdout).toMatch(/lake\.gold\.daily_sales\s+\S+\s+\d+/);
    expect(text.stdout).toContain(`gold against processed for ${day}:`);
  }, 180_000);

  it('says why when the object store cannot be reached, and reports the rest', async () => {
    // A closed port for the store: the catalog (PostgreSQL) opens, the first table read fails.
    const result = await runCli(['report', '--json'], { DATAPARK_S3_URL: 'http://127.0.0.1:9' });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as PlatformReport;
    expect(report.tables.length).toBeGreaterThan(0);
    expect(report.lake.reachable).toBe(false);
    if (report.lake.reachable) return;
    expect(report.lake.error).toMatch(/127\.0\.0\.1:9|connect|Could not establish/i);
    expect(JSON.stringify(report.lake)).not.toContain(config.s3.secretAccessKey);
  }, 180_000);
});
