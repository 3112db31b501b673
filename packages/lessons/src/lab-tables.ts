import type { Pool } from '@datapark/db';
import { createPool } from '@datapark/db';
import type { LessonContext } from './lesson-context.js';

/** A connection as the `lab` role: what the learner's own code writes with. */
export async function withLabPool<R>(
  context: LessonContext,
  use: (pool: Pool) => Promise<R>,
): Promise<R> {
  const pool = createPool(context.config, 'lab', { max: 1 });
  try {
    return await use(pool);
  } finally {
    await pool.end();
  }
}

export async function tableExists(pool: Pool, table: string): Promise<boolean> {
  const { rows } = await pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    table,
  ]);
  return Boolean(rows[0]?.t);
}

/** `DROP TABLE IF EXISTS`, as the lab role that owns what it created. */
export async function dropTables(context: LessonContext, tables: readonly string[]): Promise<void> {
  await withLabPool(context, async (pool) => {
    for (const table of tables) await pool.query(`DROP TABLE IF EXISTS ${table}`);
  });
}

/**
 * A counts table (`event_type text`, `events` a number) as a map; a string when it cannot be
 * read that way, saying why.
 */
export async function readCounts(pool: Pool, table: string): Promise<Map<string, number> | string> {
  try {
    const { rows } = await pool.query<{ event_type: string; events: string }>(
      `SELECT event_type::text AS event_type, events::text AS events FROM ${table}`,
    );
    const counts = new Map<string, number>();
    for (const row of rows) {
      if (counts.has(row.event_type))
        return `${table} has more than one row for ${row.event_type}: one row per event type, its count updated in place`;
      counts.set(row.event_type, Number(row.events));
    }
    return counts;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '42703')
      return `${table} has no column ${/column "?([^" ]+)"?/.exec((error as Error).message)?.[1] ?? ''}: the lesson's page names its columns (event_type, events)`;
    throw error;
  }
}
