import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '@datapark/db';
import type { EventOf } from '@datapark/events';
import { buildEvent } from '@datapark/events';
import { EventProducer, topicEndOffsets } from '@datapark/kafka';
import type { DriverState } from '@datapark/spark-client';
import {
  failureExcerpt,
  SparkRestClient,
  SubmissionNotFoundError,
  TERMINAL_DRIVER_STATES,
  waitingReason,
} from '@datapark/spark-client';
import { dropTables, tableExists, withLabPool } from '../lab-tables.js';
import type { CheckItem, Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';

const SLUG = '12-streaming';
const PAGE = `docs/lessons/${SLUG}.md`;

export const streamingNames = (suffix: string) => ({
  appName: `lab-lesson-12${suffix}`,
  table: `lab.lesson12_page_views${suffix}`,
});

/** How long the checker waits for the driver to start (cores may be held by other jobs). */
const RUNNING_WAIT_MS = 6 * 60_000;
/** How long it waits for the first half of the burst to show in the table (JVMs, Kafka, a batch). */
const FIRST_ROWS_WAIT_MS = 5 * 60_000;
/** How long it waits for the second half's totals. */
const TOTALS_WAIT_MS = 2 * 60_000;

/**
 * The burst the checker produces, in two halves (the second once the first is in the table, so
 * that it lands in a later micro-batch): page views of three pages of its own, and other events
 * of the same sessions that have no page. Every event has the same `occurred_at`: one window.
 */
export const BURST = {
  first: { a: 12, b: 8, c: 4 },
  second: { a: 6, b: 4, c: 2 },
  /** Events of other types among them, each half. */
  others: 10,
} as const;
export const burstTotals = () =>
  Object.fromEntries(
    Object.entries(BURST.first).map(([page, n]) => [
      page,
      n + BURST.second[page as keyof typeof BURST.second],
    ]),
  ) as Record<keyof typeof BURST.first, number>;

/** The marker pages: `/lesson-12/<run>/a` …; nothing else in the clickstream has them. */
export const markerPage = (run: string, page: string) => `/lesson-12/${run}/${page}`;

/** One half of the burst: page views of the marker pages, and `others` events without a page. */
export function burstEvents(
  run: string,
  half: Readonly<Record<string, number>>,
  occurredAt: string,
  producer: string,
): EventOf<'clickstream'>[] {
  const envelope = { producer, occurred_at: occurredAt };
  const session = randomUUID();
  const ref = { session_id: session, customer_id: null };
  const events: EventOf<'clickstream'>[] = [];
  for (const [page, n] of Object.entries(half))
    for (let i = 0; i < n; i++)
      events.push(
        buildEvent(
          'clickstream',
          'page_view',
          { ...ref, page: markerPage(run, page), referrer: null },
          envelope,
        ),
      );
  for (let i = 0; i < BURST.others; i++)
    events.push(
      i % 2 === 0
        ? buildEvent('clickstream', 'product_view', { ...ref, product_id: randomUUID() }, envelope)
        : buildEvent(
            'clickstream',
            'search',
            { ...ref, query: `lesson 12 ${run}`, results_count: i },
            envelope,
          ),
    );
  return events;
}

/** A row of the learner's table for a marker page. */
export interface ViewRow {
  readonly window_start: string;
  readonly window_end: string;
  readonly page: string;
  readonly views: number;
}

/** The 1-minute window an instant falls in, as ISO strings. */
export function windowOf(instant: string): { start: string; end: string } {
  const t = Date.parse(instant);
  const start = t - (t % 60_000);
  return { start: new Date(start).toISOString(), end: new Date(start + 60_000).toISOString() };
}

/**
 * The learner's rows for the burst's pages against what was produced: one row per window and
 * page, the burst's window, the totals. Pure: its messages are tested without a platform.
 */
export function compareViews(
  table: string,
  run: string,
  rows: readonly ViewRow[],
  occurredAt: string,
): CheckItem {
  const name = `${table} holds the burst's page views per window and page`;
  const expected = burstTotals();
  const window = windowOf(occurredAt);
  const problems: string[] = [];
  let pointer = '';
  const byKey = new Map<string, ViewRow[]>();
  for (const row of rows) {
    const key = `${row.window_start} ${row.page}`;
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  const doubled = [...byKey.values()].filter((r) => r.length > 1);
  if (doubled.length) {
    const [first] = doubled;
    problems.push(
      `${doubled.length} window and page pairs have more than one row (${first![0]!.page}: ${first!.map((r) => r.views).join(' and ')})`,
    );
    pointer =
      'in update mode each micro-batch carries a window’s new total, not what it adds: write it in place (ON CONFLICT … DO UPDATE), never append';
  }
  const windows = new Set(rows.map((r) => Date.parse(r.window_start)));
  if (rows.length && (windows.size !== 1 || !windows.has(Date.parse(window.start))))
    problems.push(
      `the burst's events all occurred at ${occurredAt}, in one 1-minute window; your rows put them in ${[
        ...windows,
      ]
        .sort()
        .map((w) => new Date(w).toISOString())
        .join(', ')}`,
    );
  if (problems.length > (doubled.length ? 1 : 0) && !pointer)
    pointer = 'windows of 1 minute over ts, the event’s occurred_at (F.window("ts", "1 minute"))';
  for (const [page, want] of Object.entries(expected)) {
    const marker = markerPage(run, page);
    const mine = rows.filter((r) => r.page === marker);
    if (mine.length === 0) problems.push(`${marker}: no row`);
    else if (!doubled.length) {
      const total = mine.reduce((sum, r) => sum + Number(r.views), 0);
      if (total !== want) problems.push(`${marker}: ${total} views, the burst had ${want}`);
    }
  }
  if (problems.length === 0)
    return {
      name,
      passed: true,
      detail: `3 pages, ${Object.values(expected).reduce((a, b) => a + b, 0)} views in the window ${window.start.slice(11, 16)}, each count right`,
    };
  if (!pointer)
    pointer = problems.some((p) => p.includes('no row'))
      ? 'only page_view events have a page (payload.page): are they all kept, and every batch written?'
      : `a count per window and page of the page_view events only (${PAGE}, "The aggregate")`;
  return { name, passed: false, detail: problems.join('; '), pointer };
}

async function readViews(pool: Pool, table: string, run: string): Promise<ViewRow[] | string> {
  try {
    const { rows } = await pool.query<ViewRow>(
      `SELECT window_start, window_end, page, views::float8 AS views FROM ${table}
        WHERE page LIKE $1 ORDER BY page, window_start`,
      [`/lesson-12/${run}/%`],
    );
    return rows.map((r) => ({
      ...r,
      window_start: new Date(r.window_start).toISOString(),
      window_end: new Date(r.window_end).toISOString(),
    }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '42P01') return 'missing';
    if (code === '42703')
      return `${table} lacks a column the lesson's page names (window_start, window_end, page, views)`;
    throw error;
  }
}

/** Its state now; undefined once the master forgot it. */
async function driverState(spark: SparkRestClient, id: string): Promise<DriverState | undefined> {
  try {
    return (await spark.status(id)).driverState;
  } catch (error) {
    if (error instanceof SubmissionNotFoundError) return undefined;
    throw error;
  }
}

/** Kills the driver and waits (a minute at most) until the master says it ended. */
async function killDriver(spark: SparkRestClient, id: string): Promise<DriverState | undefined> {
  let state = await driverState(spark, id);
  if (state && !TERMINAL_DRIVER_STATES.has(state)) {
    await spark.kill(id).catch((error: unknown) => {
      if (!(error instanceof SubmissionNotFoundError)) throw error;
    });
    for (let i = 0; i < 60 && state && !TERMINAL_DRIVER_STATES.has(state); i++) {
      await sleep(1000);
      state = await driverState(spark, id);
    }
  }
  return state;
}

/** What the driver printed last, for a job that ended on its own. */
async function driverTail(spark: SparkRestClient, id: string): Promise<string> {
  const output = await spark.driverOutput(id).catch(() => undefined);
  const stdout = output?.stdout.trim().split('\n').slice(-3).join('\n') ?? '';
  const excerpt = output?.stderr ? failureExcerpt(output.stderr) : '';
  return [stdout && `it printed: ${stdout}`, excerpt && `its error: ${excerpt}`]
    .filter(Boolean)
    .join('\n');
}

const checkpointRoot = (context: LessonContext) =>
  join(context.config.stateDir, 'lessons', `streaming${context.suffix}`);

export const streaming: Lesson = {
  number: 12,
  slug: SLUG,
  script: `${SLUG}.py`,
  title: 'Spark Structured Streaming: page views per minute, upserted in place',
  hints: [
    'Only page_view events have a page: filter on event_type, then group by F.window("ts", "1 minute") and F.col("payload.page").',
    'A watermark (withWatermark("ts", "10 minutes")) before the groupBy lets Spark forget windows older than that; count(*) as views.',
    'In update mode a micro-batch carries each changed window’s whole new count: INSERT … SELECT … FROM jsonb_to_recordset(?::jsonb) AS r(…) ON CONFLICT (window_start, page) DO UPDATE SET views = EXCLUDED.views.',
    'The checker submits your file itself and kills it afterwards: a job that stops by itself (no aggregate yet) or fails shows what it printed.',
  ],

  async start() {
    return { at: Date.now() };
  },

  async check(context) {
    const { appName, table } = streamingNames(context.suffix);
    const script = join(context.scriptsDir, `${SLUG}.py`);
    const spark = SparkRestClient.fromConfig(context.config);
    const run = randomBytes(4).toString('hex');
    const checkpoint = join(checkpointRoot(context), run);
    mkdirSync(checkpointRoot(context), { recursive: true });
    const items: CheckItem[] = [];

    // 1. Your job, from the end of clickstream as it is now: the burst comes after.
    const offsets = await topicEndOffsets(context.kafka, 'clickstream');
    const startingOffsets = JSON.stringify({
      clickstream: Object.fromEntries([...offsets].map(([p, o]) => [String(p), Number(o)])),
    });
    context.log(`submitting ${relative(context.root, script)} as ${appName}…`);
    const id = await spark.create(
      spark.pythonRequest({
        file: script,
        name: appName,
        args: ['--checkpoint', checkpoint, '--starting-offsets', startingOffsets],
        env: { DATAPARK_STATE_DIR: context.config.stateDir },
      }),
    );
    try {
      const runName = `your job runs (${id})`;
      let state = await driverState(spark, id);
      const deadline = Date.now() + RUNNING_WAIT_MS;
      while (state === 'SUBMITTED' && Date.now() < deadline) {
        await sleep(2000);
        state = await driverState(spark, id);
      }
      if (state !== 'RUNNING') {
        const why =
          state === 'SUBMITTED'
            ? (waitingReason(await spark.masterJson(), id) ?? 'waiting for the master')
            : await driverTail(spark, id);
        items.push({
          name: runName,
          passed: false,
          detail: `it is ${state ?? 'gone'}${why ? `: ${why}` : ''}`,
          pointer:
            state === 'SUBMITTED'
              ? `the cluster's cores are taken: ${context.config.spark.uiUrl} shows who holds them`
              : state === 'FINISHED'
                ? `it ended by itself: a streaming query runs until it is stopped (${PAGE}, steps 2 to 4)`
                : `its error above; run it yourself to see it whole: node lab/scripts/submit-spark-job.ts ${relative(context.root, script)}`,
        });
        return items;
      }
      items.push({ name: runName, passed: true, detail: 'RUNNING' });

      // 2. The burst, first half; then wait until the table shows it (or the job ends).
      const occurredAt = new Date().toISOString();
      const producer = `lab/lesson-12${context.suffix}/${run}`;
      const events = await EventProducer.connect(context.kafka);
      let rows: ViewRow[] | string = 'missing';
      try {
        await events.send('clickstream', burstEvents(run, BURST.first, occurredAt, producer));
        context.log(
          `produced the first half of the burst (${run}); waiting for your table to show it…`,
        );
        const firstDeadline = Date.now() + FIRST_ROWS_WAIT_MS;
        for (;;) {
          rows = await withLabPool(context, (pool) => readViews(pool, table, run));
          if (Array.isArray(rows) && rows.length > 0) break;
          if (typeof rows === 'string' && rows !== 'missing') break;
          state = await driverState(spark, id);
          if (state !== 'RUNNING' || Date.now() > firstDeadline) break;
          await sleep(2000);
        }
        if (Array.isArray(rows) && rows.length > 0) {
          await events.send('clickstream', burstEvents(run, BURST.second, occurredAt, producer));
          context.log('produced the second half; waiting for the totals…');
          const totals = burstTotals();
          const want = Object.values(totals).reduce((a, b) => a + b, 0);
          const totalsDeadline = Date.now() + TOTALS_WAIT_MS;
          for (;;) {
            rows = await withLabPool(context, (pool) => readViews(pool, table, run));
            if (!Array.isArray(rows)) break;
            const latest = new Map(rows.map((r) => [r.page, Number(r.views)]));
            const sum = [...latest.values()].reduce((a, b) => a + b, 0);
            if (sum >= want || rows.length > Object.keys(totals).length) break;
            state = await driverState(spark, id);
            if (state !== 'RUNNING' || Date.now() > totalsDeadline) break;
            await sleep(2000);
          }
          // A batch in flight may still be writing: one more trigger's time, then read again.
          await sleep(5000);
          rows = await withLabPool(context, (pool) => readViews(pool, table, run));
        }
      } finally {
        await events.disconnect();
      }

      // 3. Whether the job lived through the burst, and what the table shows.
      state = await driverState(spark, id);
      if (state !== 'RUNNING') {
        const tail = await driverTail(spark, id);
        items.push({
          name: 'your job kept running through the burst',
          passed: false,
          detail: `it ended (${state ?? 'gone'})${tail ? `\n${tail}` : ''}`,
          pointer: /duplicate key/.test(tail)
            ? 'a later micro-batch wrote a window and page already in the table: in update mode each batch carries a window’s new total, to write in place (ON CONFLICT … DO UPDATE), not to append'
            : state === 'FINISHED'
              ? `it ended by itself: a streaming query runs until it is stopped (${PAGE}, steps 2 to 4)`
              : `its error above; run it yourself to see it whole: node lab/scripts/submit-spark-job.ts ${relative(context.root, script)}`,
        });
      }
      if (Array.isArray(rows) && rows.length > 0)
        items.push(compareViews(table, run, rows, occurredAt));
      else if (state === 'RUNNING' || (typeof rows === 'string' && rows !== 'missing')) {
        const exists = await withLabPool(context, (pool) => tableExists(pool, table));
        items.push({
          name: `${table} holds the burst's page views per window and page`,
          passed: false,
          detail:
            typeof rows === 'string' && rows !== 'missing'
              ? rows
              : exists
                ? `no row for the burst's pages (/lesson-12/${run}/…) after ${FIRST_ROWS_WAIT_MS / 60_000} minutes`
                : `${table} does not exist after ${FIRST_ROWS_WAIT_MS / 60_000} minutes`,
          pointer:
            'every micro-batch written by write_batch, the page from payload.page: the Spark UI shows the query’s batches',
        });
      }
      return items;
    } finally {
      // 4. Nothing keeps running: the checker stops what it started.
      const end = await killDriver(spark, id);
      items.push({
        name: 'the checker stopped your job (nothing keeps running)',
        passed: end === undefined || TERMINAL_DRIVER_STATES.has(end),
        detail: `${id}: ${end ?? 'gone'}`,
        ...(end && !TERMINAL_DRIVER_STATES.has(end)
          ? { pointer: `kill it: ${context.config.spark.uiUrl} (its driver, kill)` }
          : {}),
      });
      rmSync(checkpoint, { recursive: true, force: true });
    }
  },

  async reset(context) {
    rmSync(checkpointRoot(context), { recursive: true, force: true });
    await dropTables(context, [streamingNames(context.suffix).table]);
  },
};
