/**
 * Reads the lake (Iceberg tables in the object store, written by Spark) with DuckDB in this
 * process, and prints what a statement returns as a table. Without a statement: the lake's tables.
 *
 *   node lab/scripts/query-lake.ts
 *   node lab/scripts/query-lake.ts "SELECT * FROM lake.gold.daily_sales ORDER BY sales_date"
 *
 * Tables are `lake.<namespace>.<table>` (bronze, silver, gold), as in Spark; the SQL is DuckDB's.
 * `@datapark/lake` finds the platform as every script does and needs DuckDB's extensions once:
 * `bash tools/ci/duckdb.sh`.
 */
import { DataparkError, loadConfig } from '@datapark/config';
import { openLake } from '@datapark/lake';

const statement = process.argv[2];
try {
  const lake = await openLake(loadConfig());
  try {
    if (!statement) {
      if (lake.tables.length === 0)
        console.log('The lake has no tables yet: run the lake job for a day (README, Lakehouse).');
      for (const table of lake.tables) {
        const snapshots = await lake.snapshots(table.qualifiedName);
        const [count] = await lake.query<{ rows: string }>(
          `SELECT count(*) AS rows FROM ${table.qualifiedName}`,
        );
        console.log(`${table.qualifiedName}: ${count?.rows} rows, ${snapshots.length} snapshots`);
      }
    } else {
      const rows = await lake.query(statement);
      if (rows.length > 0) console.table(rows);
      else console.log('no rows');
    }
  } finally {
    lake.close();
  }
} catch (error) {
  // Our errors say what failed and what to do: show that, not a stack.
  if (!(error instanceof DataparkError)) throw error;
  console.error(`✗ ${error.message}`);
  if (error.hint && !error.message.includes(error.hint)) console.error(`  Fix: ${error.hint}`);
  process.exitCode = 1;
}
