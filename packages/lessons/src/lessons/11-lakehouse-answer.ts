import type { LakeSnapshot } from '@datapark/lake';
import type { CheckItem } from '../lesson.js';

// Lesson 11's answer against the checker's reference: pure, so its messages are tested without a
// platform (test/11-lakehouse-answer.test.ts); the lesson itself is ./11-lakehouse.ts.

export const SLUG = '11-lakehouse';
export const PAGE = `docs/lessons/${SLUG}.md`;
/** The lake's table the lesson reads, and its side in PostgreSQL. */
export const GOLD = 'gold.daily_sales';
export const PROCESSED = 'processed.daily_sales';

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
              : 'the lake and PostgreSQL differ on the day (your answer is right: the lake job’s reconciliation fails on such a day; each side counts the orders’ statuses as they were when it was built, so an order paid, then cancelled between the two builds, is a sale on one side only: the daily batch, then the lake job, again for the day)',
        },
  );
  return items;
}
