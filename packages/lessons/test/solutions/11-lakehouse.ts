// Reference solution of lesson 11, run by its test as a learner runs theirs: the newest day the
// lake's gold and processed both hold, read now, one snapshot earlier, and from PostgreSQL.
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import { openLake } from '@datapark/lake';

const suffix = process.env['DATAPARK_LESSON_SUFFIX'] ?? '';
const TABLE = `lab.lesson11_lake_answer${suffix}`;
const GOLD = 'gold.daily_sales';

const config = loadConfig();
const lake = await openLake(config);
const pool = createPool(config, 'lab', { max: 1 });
try {
  const snapshots = await lake.snapshots(GOLD);
  const latest = snapshots.at(-1)!;
  const before = snapshots.at(-2)!;
  const gold = lake.tableAt(GOLD, latest.snapshot_id);
  const lakeDays = await lake.query<{ day: string }>(
    `SELECT DISTINCT sales_date::VARCHAR AS day FROM ${gold}`,
  );
  const { rows: pgDays } = await pool.query<{ day: string }>(
    'SELECT sales_date::text AS day FROM processed.daily_sales',
  );
  const inPg = new Set(pgDays.map((r) => r.day));
  const day = lakeDays
    .map((r) => r.day)
    .filter((d) => inPg.has(d))
    .sort()
    .at(-1)!;

  const atSnapshot = async (from: string) => {
    const [row] = await lake.query<{ orders_count: number; revenue: string }>(
      `SELECT orders_count, revenue::VARCHAR AS revenue FROM ${from} WHERE sales_date = $1::DATE`,
      [day],
    );
    return row ?? { orders_count: 0, revenue: '0.00' };
  };
  const now = await atSnapshot(gold);
  const then = await atSnapshot(lake.tableAt(GOLD, before.snapshot_id));
  const { rows } = await pool.query<{ orders_count: number; revenue: string }>(
    'SELECT orders_count, revenue::text AS revenue FROM processed.daily_sales WHERE sales_date = $1',
    [day],
  );
  const pg = rows[0]!;

  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${TABLE} (
       source text PRIMARY KEY, sales_date date NOT NULL, snapshot_id bigint,
       orders_count integer NOT NULL, revenue numeric(14, 2) NOT NULL)`,
  );
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`DELETE FROM ${TABLE}`);
    const insert = `INSERT INTO ${TABLE} VALUES ($1, $2, $3, $4, $5)`;
    await client.query(insert, ['lake', day, latest.snapshot_id, now.orders_count, now.revenue]);
    await client.query(insert, [
      'lake_before',
      day,
      before.snapshot_id,
      then.orders_count,
      then.revenue,
    ]);
    await client.query(insert, ['processed', day, null, pg.orders_count, pg.revenue]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  console.log(
    `${day}: lake ${now.orders_count} orders ${now.revenue}, one snapshot earlier ${then.orders_count} ${then.revenue}, processed ${pg.orders_count} ${pg.revenue}`,
  );
} finally {
  lake.close();
  await pool.end();
}
