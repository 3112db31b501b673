/**
 * Lesson 11: the lakehouse. Read an Iceberg table with DuckDB, compare it with PostgreSQL, and
 * go back one snapshot in time.
 * The page: docs/lessons/11-lakehouse.md. Run it: node lab/lessons/11-lakehouse.ts
 * Check it: datapark lesson check 11
 *
 * This is your copy (git ignores it). Fill in the TODOs, in order.
 */
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import { openLake } from '@datapark/lake';

/** Your answer, three rows (the page's "Your answer"): source, sales_date, snapshot_id, orders_count, revenue. */
const TABLE = 'lab.lesson11_lake_answer';
/** The lake's table: `lake.gold.daily_sales` in SQL, `'gold.daily_sales'` for snapshots() and tableAt(). */
const GOLD = 'gold.daily_sales';

const config = loadConfig();
const lake = await openLake(config); // DuckDB, in this process, over the Iceberg tables
const pool = createPool(config, 'lab', { max: 1 }); // PostgreSQL as the lab role
try {
  const snapshots = await lake.snapshots(GOLD);
  console.log(`lake.${GOLD}: ${snapshots.length} snapshots, oldest first`);

  // TODO 1: the day. The newest sales_date of lake.gold.daily_sales that processed.daily_sales
  // (in PostgreSQL) holds too.

  // TODO 2: that day's orders_count and revenue in the lake now (the latest snapshot: note its id).

  // TODO 3: the same day one snapshot earlier (time travel: lake.tableAt). Not there yet? 0 and 0.00.

  // TODO 4: the same day in processed.daily_sales.

  // TODO 5: create TABLE (if it is not there) and replace its rows with your three: source
  // 'lake', 'lake_before' and 'processed'.
  void TABLE;
  console.log('lesson 11: nothing written yet; fill in the TODOs');
} finally {
  lake.close();
  await pool.end();
}
