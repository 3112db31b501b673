/**
 * Runs one SQL statement as the lab role and prints what it returns as a table.
 *
 *   node lab/scripts/query.ts "SELECT * FROM lab.first_pipeline_orders LIMIT 5"
 *
 * The lab role reads source, raw and processed and owns what it creates in lab; its search
 * path is lab, so `FROM first_pipeline_orders` finds your table too.
 */
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';

const statement = process.argv[2];
if (!statement) {
  console.error('usage: node lab/scripts/query.ts "SELECT …"');
  process.exit(2);
}
const pool = createPool(loadConfig(), 'lab', { max: 1 });
try {
  const result = await pool.query(statement);
  if (result.rows.length > 0) console.table(result.rows);
  else console.log(`${result.command}: no rows returned, ${result.rowCount ?? 0} affected`);
} catch (error) {
  // PostgreSQL's own message says what is wrong with the statement: show it, not a stack.
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') throw error;
  console.error(`PostgreSQL refused it (${code}): ${(error as Error).message}`);
  if (code === '42501')
    console.error('The lab role reads source, raw and processed, and writes only in lab.');
  process.exitCode = 1;
} finally {
  await pool.end();
}
