import type { Pool } from '@datapark/db';
import type { Lake } from '@datapark/lake';
import { LakeError, openLake } from '@datapark/lake';
import { dropTables, tableExists, withLabPool } from '../lab-tables.js';
import type { Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';
import type { AnswerRow, DayFigures, Reference } from './11-lakehouse-answer.js';
import { compareAnswer, GOLD, PAGE, PROCESSED, SLUG } from './11-lakehouse-answer.js';

export { GOLD } from './11-lakehouse-answer.js';
/** The command that writes a day into the lake (bronze, silver, gold), as the page gives it. */
export const lakeDailyCommand = (day: string) =>
  `node lab/scripts/submit-spark-job.ts apps/spark-jobs/jobs/lake_daily.py --date ${day}`;

export const lakehouseNames = (suffix: string) => ({
  table: `lab.lesson11_lake_answer${suffix}`,
});

/** The day's figures in one lake snapshot (`FROM` item from {@link Lake.tableAt}). */
async function lakeDay(lake: Lake, from: string, day: string): Promise<DayFigures | undefined> {
  const rows = await lake.query<{ orders_count: number | string; revenue: string }>(
    `SELECT orders_count, revenue::VARCHAR AS revenue FROM ${from} WHERE sales_date = $1::DATE`,
    [day],
  );
  const row = rows[0];
  return row ? { orders_count: Number(row.orders_count), revenue: row.revenue } : undefined;
}

async function processedDay(pool: Pool, day: string): Promise<DayFigures | undefined> {
  const { rows } = await pool.query<{ orders_count: number; revenue: string }>(
    `SELECT orders_count, revenue::text AS revenue FROM ${PROCESSED} WHERE sales_date = $1::date`,
    [day],
  );
  return rows[0];
}

async function processedDays(pool: Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ day: string }>(
    `SELECT sales_date::text AS day FROM ${PROCESSED}`,
  );
  return new Set(rows.map((r) => r.day));
}

/** The lake's reference for the learner's snapshots, worked out by the checker itself. */
async function reference(
  context: LessonContext,
  lake: Lake,
  rows: readonly AnswerRow[],
): Promise<Reference> {
  const snapshots = await lake.snapshots(GOLD);
  const ids = snapshots.map((s) => s.snapshot_id);
  const latest = rows.find((r) => r.source === 'lake')?.snapshot_id;
  const before = rows.find((r) => r.source === 'lake_before')?.snapshot_id;
  const none = {
    snapshots,
    day: undefined,
    lake: undefined,
    lakeBefore: undefined,
    processed: undefined,
  };
  if (!latest || !ids.includes(latest)) return none;
  const at = lake.tableAt(GOLD, latest);
  const inLake = await lake.query<{ day: string }>(
    `SELECT DISTINCT sales_date::VARCHAR AS day FROM ${at}`,
  );
  return withLabPool(context, async (pool) => {
    const inPg = await processedDays(pool);
    const day = inLake
      .map((r) => r.day)
      .filter((d) => inPg.has(d))
      .sort()
      .at(-1);
    if (!day) return none;
    return {
      snapshots,
      day,
      lake: await lakeDay(lake, at, day),
      lakeBefore:
        before && ids.includes(before)
          ? await lakeDay(lake, lake.tableAt(GOLD, before), day)
          : undefined,
      processed: await processedDay(pool, day),
    };
  });
}

/** The learner's table, every value as text; a string when it cannot be read so, saying why. */
async function readAnswer(pool: Pool, table: string): Promise<AnswerRow[] | string> {
  if (!(await tableExists(pool, table))) return `${table} does not exist`;
  try {
    const { rows } = await pool.query<AnswerRow>(
      `SELECT source::text AS source, sales_date::text AS sales_date,
              snapshot_id::text AS snapshot_id, orders_count::text AS orders_count,
              revenue::text AS revenue
         FROM ${table}`,
    );
    return rows;
  } catch (error) {
    if ((error as { code?: unknown }).code === '42703')
      return `${table} lacks a column the lesson's page names (source, sales_date, snapshot_id, orders_count, revenue): ${(error as Error).message}`;
    throw error;
  }
}

/** What start found: the lake's state for the lesson, and what to run when it is not ready. */
export interface LakeReadiness {
  /** The newest day processed holds (before today, UTC). */
  readonly day?: string;
  readonly inLake: boolean;
  readonly snapshots: number;
  /** Commands to run, in order, before the lesson can pass; none: ready. */
  readonly todo: readonly string[];
}

/**
 * Is the lake ready for the lesson: a day processed holds, written to lake.gold.daily_sales, and
 * at least two snapshots of that table (time travel needs one before the latest)? A lake build
 * takes minutes of Spark (two to eight here), too long for `start`: it says what to run.
 */
export async function lakeReadiness(context: LessonContext): Promise<LakeReadiness> {
  const day = await withLabPool(context, async (pool) => {
    const { rows } = await pool.query<{ day: string | null }>(
      `SELECT max(sales_date)::text AS day FROM ${PROCESSED}
        WHERE sales_date < (now() AT TIME ZONE 'UTC')::date`,
    );
    return rows[0]?.day ?? undefined;
  });
  if (!day)
    return {
      inLake: false,
      snapshots: 0,
      todo: [
        `the daily batch for a day of orders (${PROCESSED} is empty): node apps/etl-driver/dist/cli.js batch run --direct --date YYYY-MM-DD`,
      ],
    };
  const lake = await openLake(context.config);
  try {
    const known = lake.tables.some((t) => t.qualifiedName === `lake.${GOLD}`);
    const snapshots = known ? await lake.snapshots(GOLD) : [];
    const inLake =
      known &&
      (await lake.query(`SELECT 1 FROM lake.${GOLD} WHERE sales_date = $1::DATE`, [day])).length >
        0;
    const todo: string[] = [];
    if (!inLake) todo.push(lakeDailyCommand(day));
    if (snapshots.length + (inLake ? 0 : 1) < 2)
      todo.push(`${lakeDailyCommand(day)}   # again: a rerun adds a snapshot`);
    return { day, inLake, snapshots: snapshots.length, todo };
  } finally {
    lake.close();
  }
}

export const lakehouse: Lesson = {
  number: 11,
  slug: SLUG,
  title: 'The lakehouse: DuckDB over Iceberg, against PostgreSQL, and time travel',
  hints: [
    "openLake(loadConfig()) from @datapark/lake opens the lake; lake.gold.dailySales() gives gold's days, and a pool as the lab role (@datapark/db) reads processed.daily_sales.",
    'The day: the newest sales_date of lake.gold.daily_sales that processed.daily_sales holds too. Read both sets of days and keep the newest common one.',
    "lake.snapshots('gold.daily_sales') is oldest first: the latest is the last, the one before it the one before that. lake.tableAt(table, id) is a FROM item that reads the table as it was then.",
    'Write three rows (source lake, lake_before, processed) in one transaction: DELETE what an earlier run wrote, then INSERT. A day missing from the older snapshot is 0 orders and 0.00 revenue.',
  ],

  async start(context) {
    try {
      const ready = await lakeReadiness(context);
      if (ready.todo.length === 0)
        context.log(
          `the lake is ready: ${ready.day} in lake.${GOLD}, ${ready.snapshots} snapshots of it`,
        );
      else {
        context.log(
          'the lake is not ready for this lesson yet; run, from the checkout (each lake build is 2 to 8 minutes of Spark):',
        );
        for (const command of ready.todo) context.log(`  ${command}`);
      }
      return { day: ready.day ?? null, ready: ready.todo.length === 0 };
    } catch (error) {
      if (!(error instanceof LakeError)) throw error;
      context.log(
        `the lake cannot be read: ${error.message}${error.hint ? ` (${error.hint})` : ''}`,
      );
      return { day: null, ready: false };
    }
  },

  async check(context) {
    const { table } = lakehouseNames(context.suffix);
    const answer = await withLabPool(context, (pool) => readAnswer(pool, table));
    if (typeof answer === 'string')
      return [
        {
          name: `${table} holds your answer`,
          passed: false,
          detail: answer,
          pointer: `${PAGE}, "Your answer": your script creates it as the lab role and writes three rows`,
        },
      ];
    context.log('reading the lake at the snapshots your answer names…');
    let lake: Lake;
    try {
      lake = await openLake(context.config);
    } catch (error) {
      if (!(error instanceof LakeError)) throw error;
      return [
        {
          name: 'the checker reads the lake',
          passed: false,
          detail: error.message,
          ...(error.hint ? { pointer: error.hint } : {}),
        },
      ];
    }
    try {
      if (!lake.tables.some((t) => t.qualifiedName === `lake.${GOLD}`))
        return [
          {
            name: `the lake holds lake.${GOLD}`,
            passed: false,
            detail: `the catalog holds ${lake.tables.map((t) => t.qualifiedName).join(', ') || 'no table'}`,
            pointer: `${PAGE}, "Before you start": the lake job writes it`,
          },
        ];
      return compareAnswer(table, answer, await reference(context, lake, answer));
    } finally {
      lake.close();
    }
  },

  async reset(context) {
    await dropTables(context, [lakehouseNames(context.suffix).table]);
  },
};
