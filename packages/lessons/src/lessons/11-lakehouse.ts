import type { Pool } from '@datapark/db';
import type { Lake, LakeSnapshot } from '@datapark/lake';
import { LakeError, openLake } from '@datapark/lake';
import { dropTables, tableExists, withLabPool } from '../lab-tables.js';
import type { CheckItem, Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';

const SLUG = '11-lakehouse';
const PAGE = `docs/lessons/${SLUG}.md`;
/** The lake's table the lesson reads, and its side in PostgreSQL. */
export const GOLD = 'gold.daily_sales';
const PROCESSED = 'processed.daily_sales';
/** The command that writes a day into the lake (bronze, silver, gold), as the page gives it. */
export const lakeDailyCommand = (day: string) =>
  `node lab/scripts/submit-spark-job.ts apps/spark-jobs/jobs/lake_daily.py --date ${day}`;

export const lakehouseNames = (suffix: string) => ({
  table: `lab.lesson11_lake_answer${suffix}`,
});

/** The three rows the learner's table holds, by their `source`. */
export const ANSWER_SOURCES = ['lake', 'lake_before', 'processed'] as const;
export type AnswerSource = (typeof ANSWER_SOURCES)[number];

/** One row of the learner's table, as the checker reads it (every value as text). */
export interface AnswerRow {
  readonly source: string;
  readonly sales_date: string | null;
  readonly snapshot_id: string | null;
  readonly orders_count: string | null;
  readonly revenue: string | null;
}

/** A day's figures on one side: a lake snapshot, or processed. None: the side has no row. */
export interface DayFigures {
  readonly orders_count: number;
  readonly revenue: string;
}

/**
 * What the checker worked out itself for the learner's snapshots: the lake's snapshots (oldest
 * first), the day the learner should have chosen, and that day's figures on each side.
 */
export interface Reference {
  readonly snapshots: readonly LakeSnapshot[];
  /** The newest day that gold holds at the learner's latest snapshot and processed holds too. */
  readonly day: string | undefined;
  /** That day at the snapshot the learner's `lake` row reads (none: not there). */
  readonly lake: DayFigures | undefined;
  /** That day at the snapshot the learner's `lake_before` row reads, when it is one of the table's. */
  readonly lakeBefore: DayFigures | undefined;
  readonly processed: DayFigures | undefined;
}

/** Money as the tables keep it: two decimals, compared as text (never as a float). */
export const money = (value: string | number | null | undefined): string | undefined =>
  value === null || value === undefined || value === '' || Number.isNaN(Number(value))
    ? undefined
    : Number(value).toFixed(2);

const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

/** The figures a row states, against the reference's ('none' where the side has no row: 0 and 0.00). */
function figuresProblem(row: AnswerRow, expected: DayFigures | undefined): string | undefined {
  const want = expected ?? { orders_count: 0, revenue: '0.00' };
  const orders = row.orders_count === null ? undefined : Number(row.orders_count);
  const revenue = money(row.revenue);
  const problems: string[] = [];
  if (orders !== want.orders_count)
    problems.push(`orders_count ${row.orders_count ?? 'null'}, not what that side holds`);
  if (revenue !== money(want.revenue))
    problems.push(`revenue ${row.revenue ?? 'null'}, not what that side holds`);
  return problems.length ? problems.join('; ') : undefined;
}

/**
 * The learner's rows against the reference: one item per row of the answer, each saying what
 * is right or what differs, never the expected figures (the learner reads those themselves).
 * Pure, so that its messages are tested without a platform.
 */
export function compareAnswer(
  table: string,
  rows: readonly AnswerRow[],
  reference: Reference,
): CheckItem[] {
  const items: CheckItem[] = [];
  const bySource = new Map<string, AnswerRow[]>();
  for (const row of rows) bySource.set(row.source, [...(bySource.get(row.source) ?? []), row]);
  const stray = [...bySource.keys()].filter(
    (s) => !(ANSWER_SOURCES as readonly string[]).includes(s),
  );
  const missing = ANSWER_SOURCES.filter((s) => !bySource.has(s));
  const doubled = ANSWER_SOURCES.filter((s) => (bySource.get(s)?.length ?? 0) > 1);
  if (stray.length || missing.length || doubled.length) {
    items.push({
      name: `${table} holds one row per source (lake, lake_before, processed)`,
      passed: false,
      detail: [
        missing.length ? `no row for ${missing.join(', ')}` : '',
        doubled.length ? `more than one row for ${doubled.join(', ')}` : '',
        stray.length ? `rows for ${stray.map((s) => JSON.stringify(s)).join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
      pointer: `${PAGE}, "Your answer": three rows, source one of lake, lake_before, processed; a rerun replaces them`,
    });
    return items;
  }
  const lake = bySource.get('lake')![0]!;
  const before = bySource.get('lake_before')![0]!;
  const processed = bySource.get('processed')![0]!;
  const ids = reference.snapshots.map((s) => s.snapshot_id);
  const latestAt = lake.snapshot_id === null ? -1 : ids.indexOf(lake.snapshot_id);
  const beforeAt = before.snapshot_id === null ? -1 : ids.indexOf(before.snapshot_id);

  // 1. The day: the newest both sides hold.
  const days = new Set(rows.map((r) => r.sales_date));
  const dayName = 'the day: the newest that the lake and processed both hold';
  if (latestAt < 0) {
    items.push({
      name: `the lake row reads a snapshot of lake.${GOLD}`,
      passed: false,
      detail:
        lake.snapshot_id === null
          ? 'its snapshot_id is null'
          : `${lake.snapshot_id} is not one of the table's ${ids.length} snapshots`,
      pointer:
        lake.snapshot_id === null
          ? `${PAGE}, "Your answer": the snapshot you read, from lake.snapshots('${GOLD}')`
          : 'an expired snapshot (the maintenance DAG keeps the last 5), or another table’s: run your script again',
    });
    return items;
  }
  if (days.size !== 1 || reference.day === undefined || !days.has(reference.day)) {
    items.push({
      name: dayName,
      passed: false,
      detail:
        days.size !== 1
          ? `your rows name ${days.size} days (${[...days].join(', ')}): one day, the same in every row`
          : reference.day === undefined
            ? `at snapshot ${lake.snapshot_id}, no day of lake.${GOLD} is in ${PROCESSED}`
            : `yours is ${[...days][0] ?? 'null'}`,
      pointer:
        reference.day === undefined
          ? `build the lake for a day the daily batch has loaded (${PAGE}, "Before you start")`
          : `the days of lake.${GOLD} at the snapshot you read, and those of ${PROCESSED}: the newest day in both (a day only one side has cannot be compared)`,
    });
    return items;
  }
  items.push({ name: dayName, passed: true, detail: reference.day });

  // 2. The lake, at the snapshot read as the latest.
  const lakeName = `lake: ${reference.day} in lake.${GOLD}`;
  const lakeProblem = figuresProblem(lake, reference.lake);
  items.push(
    lakeProblem
      ? {
          name: lakeName,
          passed: false,
          detail: `at snapshot ${lake.snapshot_id}: ${lakeProblem}`,
          pointer: `read the day's row of lake.${GOLD} (orders_count, revenue), as lake.gold.dailySales() or lake.query() gives it`,
        }
      : {
          name: lakeName,
          passed: true,
          detail: `snapshot ${lake.snapshot_id}, the ${ordinal(latestAt + 1)} of ${ids.length}`,
        },
  );

  // 3. Time travel: the snapshot just before that one.
  const beforeName = 'lake_before: the same day one snapshot earlier (time travel)';
  if (latestAt === 0)
    items.push({
      name: beforeName,
      passed: false,
      detail: `your lake row reads the table's first snapshot: there is none before it`,
      pointer: `the table needs two snapshots: a rerun of the lake job for a day adds one (${PAGE}, "Before you start")`,
    });
  else if (beforeAt !== latestAt - 1)
    items.push({
      name: beforeName,
      passed: false,
      detail:
        before.snapshot_id === null
          ? 'its snapshot_id is null'
          : beforeAt < 0
            ? `${before.snapshot_id} is not one of the table's snapshots`
            : beforeAt === latestAt
              ? `it reads snapshot ${before.snapshot_id}, the one your lake row reads`
              : `it reads the ${ordinal(beforeAt + 1)} snapshot of ${ids.length}; your lake row reads the ${ordinal(latestAt + 1)}`,
      pointer: `lake.snapshots('${GOLD}') lists them oldest first, by sequence_number: the one before the latest, read with lake.tableAt()`,
    });
  else {
    const problem = figuresProblem(before, reference.lakeBefore);
    items.push(
      problem
        ? {
            name: beforeName,
            passed: false,
            detail: `at snapshot ${before.snapshot_id}: ${problem}${reference.lakeBefore ? '' : ' (the day is not in that snapshot: 0 orders, 0.00)'}`,
            pointer:
              'the view lake.gold.daily_sales reads the latest snapshot only: FROM ${lake.tableAt(table, snapshot_id)} reads an older one',
          }
        : {
            name: beforeName,
            passed: true,
            detail: `snapshot ${before.snapshot_id}${reference.lakeBefore ? '' : ` (${reference.day} not in it yet)`}`,
          },
    );
  }

  // 4. PostgreSQL's side.
  const pgName = `processed: ${reference.day} in ${PROCESSED}`;
  const pgProblem = figuresProblem(processed, reference.processed);
  items.push(
    pgProblem
      ? {
          name: pgName,
          passed: false,
          detail: pgProblem,
          pointer: `${PROCESSED} in PostgreSQL, read as the lab role (@datapark/db)`,
        }
      : {
          name: pgName,
          passed: true,
          detail:
            reference.lake &&
            reference.processed &&
            reference.lake.orders_count === reference.processed.orders_count &&
            money(reference.lake.revenue) === money(reference.processed.revenue)
              ? 'the lake and PostgreSQL agree on the day'
              : 'the lake and PostgreSQL differ on the day (your answer is right: the lake job’s reconciliation fails on such a day; processed was built before its last events landed: the daily batch, then the lake job, again for the day)',
        },
  );
  return items;
}

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
