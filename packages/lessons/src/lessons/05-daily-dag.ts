import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, relative } from 'node:path';
import type { DagTask } from '@datapark/airflow-client';
import {
  AirflowClient,
  DagRunFailedError,
  DagRunTimeoutError,
  NotFoundError,
} from '@datapark/airflow-client';
import type { Pool } from '@datapark/db';
import type { DagParse } from '../airflow-dag.js';
import { exceptionOfLog, tracebackSummary, waitForParse } from '../airflow-dag.js';
import { dropTables, tableExists, withLabPool } from '../lab-tables.js';
import type { CheckItem, Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';

const SLUG = '05-daily-dag';
const FILE = 'lab_lesson_05.py';
const PAGE = `docs/lessons/${SLUG}.md`;
/** The tasks the page asks for, the first upstream of the second. */
const TASKS = ['create_table', 'load_day'] as const;
/** What `timetable_summary` says of a DAG that runs every midnight. */
const DAILY = new Set(['@daily', '0 0 * * *', '@midnight']);
/** A run of two SQL tasks takes 20-40 s here; a busy Celery worker queues it a while longer. */
const RUN_TIMEOUT_MS = 5 * 60_000;
/** What the checker writes into the table before its run: a rerun must replace it. */
const PLANTED_ORDERS = -1;

export const dailyDagNames = (suffix: string) => ({
  dagId: `lab_lesson_05${suffix}`,
  table: `lab.lesson05_daily_orders${suffix}`,
});

interface DayRow {
  readonly orders: number;
  readonly revenue: number;
}

/**
 * The day the checker's run is for: the last whole UTC day before today on which the shop took
 * orders. Undefined when source.orders has none before today.
 */
async function lastWholeDay(pool: Pool): Promise<(DayRow & { readonly day: string }) | undefined> {
  const { rows } = await pool.query<DayRow & { day: string }>(
    `SELECT (placed_at AT TIME ZONE 'UTC')::date::text AS day, count(*)::float8 AS orders,
            sum(total_amount)::float8 AS revenue
       FROM source.orders
      WHERE placed_at < (now() AT TIME ZONE 'UTC')::date AT TIME ZONE 'UTC'
      GROUP BY 1 ORDER BY 1 DESC LIMIT 1`,
  );
  return rows[0];
}

const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Problems with the DAG's tasks: the two the page names, the first upstream of the second. */
function taskProblems(tasks: readonly DagTask[]): string[] {
  const byId = new Map(tasks.map((t) => [t.task_id ?? '', t]));
  const missing = TASKS.filter((id) => !byId.has(id));
  if (missing.length)
    return [
      `no task ${missing.join(' or ')} (its tasks: ${[...byId.keys()].join(', ') || 'none'})`,
    ];
  const [first, second] = TASKS;
  return byId.get(first)!.downstream_task_ids?.includes(second)
    ? []
    : [`${second} does not wait for ${first}: nothing says ${first} runs first`];
}

/**
 * How long the api-server may serve a DAG's tasks from before an in-place update ([core]
 * min_serialized_dag_update_interval, 30 s): a DAG that never ran keeps its version when its
 * file changes, and the api-server's cache of that version is checked again only after this.
 */
const TASKS_CACHE_MS = 31_000;

/**
 * {@link taskProblems} of the DAG as the api-server serves it. When they contradict the file
 * (a task defined in it is missing, or the order is wrong), asks again until the api-server's
 * cache must have caught up with the file just parsed.
 */
async function tasksAsParsed(airflow: AirflowClient, dagId: string, text: string) {
  const until = Date.now() + TASKS_CACHE_MS;
  for (;;) {
    const problems = taskProblems(await airflow.dags.tasks(dagId));
    // Defined in the file (a @task function, or a task_id), not only named in a comment.
    const named = TASKS.every((id) => new RegExp(`def ${id}\\b|["']${id}["']`).test(text));
    if (problems.length === 0 || !named || Date.now() > until) return problems;
    await sleep(3000);
  }
}

/** The first check: Airflow parsed the file into the DAG, as an item. */
function parseItem(parse: DagParse, dagId: string, shown: string, script: string): CheckItem {
  const name = `Airflow parsed ${shown} into the DAG ${dagId}`;
  switch (parse.kind) {
    case 'dag':
      return {
        name,
        passed: true,
        detail: `bundle ${parse.dag.bundle_name}, parsed ${parse.dag.last_parsed_time}`,
      };
    case 'import-error': {
      const { exception, where } = tracebackSummary(parse.error.stack_trace, script);
      return {
        name,
        passed: false,
        detail: `Airflow could not import it${where ? `, at ${where}` : ''}`,
        pointer: `${exception} (the whole traceback: the Airflow UI's DAG Import Errors)`,
      };
    }
    case 'other-dags':
      return {
        name,
        passed: false,
        detail: `it defines ${parse.dagIds.join(', ')}, not ${dagId}`,
        pointer: `the dag_id the page names is ${dagId}: the checker looks for that one`,
      };
    case 'not-parsed':
      return {
        name,
        passed: false,
        detail: `no DAG from it and no import error, 45 s after it last changed`,
        pointer:
          'a @dag function makes a DAG only when it is called: is it, at the end of the file? (If it is, is the platform up? `datapark status` shows the dag-processor.)',
      };
  }
}

/** Triggers the checker's run for `day` (logical date: the midnight after it) and waits. */
async function runFor(
  context: LessonContext,
  airflow: AirflowClient,
  dagId: string,
  day: string,
): Promise<CheckItem> {
  const logicalDate = `${nextDay(day)}T00:00:00Z`;
  const name = `a run of ${dagId} for ${day} (logical date ${logicalDate}) succeeds`;
  // Airflow keeps one run per logical date: an earlier one (the checker's, or the scheduler's
  // of that midnight) makes way.
  for (const run of await airflow.dagRuns
    .list(dagId, { logical_date_gte: logicalDate, logical_date_lte: logicalDate })
    .toArray())
    await airflow.dagRuns.delete(dagId, run.dag_run_id);
  context.log(`triggering ${dagId} with logical date ${logicalDate} and waiting for it…`);
  try {
    const done = await airflow.triggerAndWait(dagId, {
      logicalDate,
      note: 'datapark lesson check 5',
      timeoutMs: RUN_TIMEOUT_MS,
    });
    return {
      name,
      passed: true,
      detail: `${done.dagRun.dag_run_id}, ${(done.elapsedMs / 1000).toFixed(0)} s`,
    };
  } catch (error) {
    if (error instanceof DagRunFailedError) {
      const failed = error.failedTasks[0];
      return {
        name,
        passed: false,
        detail: `it failed${failed ? ` in ${failed.taskInstance.task_id}` : ''} (${error.dagRun.dag_run_id})`,
        pointer: failed
          ? `${exceptionOfLog(failed.log)} (the task's whole log: the run in the Airflow UI)`
          : 'the run in the Airflow UI shows which task failed and why',
      };
    }
    if (error instanceof DagRunTimeoutError)
      return {
        name,
        passed: false,
        detail: error.message,
        pointer: `${context.config.airflow.url}/dags/${dagId}: is a task stuck, or waiting for a worker?`,
      };
    throw error;
  }
}

/** What the table holds for `day` after the run, against source.orders. */
async function dayItem(
  context: LessonContext,
  table: string,
  day: string,
  reference: DayRow,
  planted: boolean,
): Promise<CheckItem> {
  const name = `${table} holds ${day}: its orders and revenue`;
  const rows = await withLabPool(context, async (pool) => {
    if (!(await tableExists(pool, table))) return `${table} does not exist`;
    try {
      const { rows: found } = await pool.query<DayRow & { day: string }>(
        `SELECT day::text AS day, orders::float8 AS orders, revenue::float8 AS revenue FROM ${table}
          WHERE day BETWEEN $1::date AND $1::date + 1`,
        [day],
      );
      return found;
    } catch (error) {
      if ((error as { code?: unknown }).code === '42703')
        return `${table} lacks a column the page names (day, orders, revenue)`;
      throw error;
    }
  });
  if (typeof rows === 'string')
    return { name, passed: false, detail: rows, pointer: `${PAGE}, step 2: create_table` };
  const mine = rows.filter((r) => r.day === day);
  const after = rows.filter((r) => r.day !== day);
  const expected = `source.orders has ${reference.orders} orders, revenue ${reference.revenue.toFixed(2)}`;
  if (mine.length > 1)
    return {
      name,
      passed: false,
      detail: `${mine.length} rows for ${day}`,
      pointer:
        'a run that runs again must replace its day, not add to it: one row per day (the page, "Runs again")',
    };
  const row = mine[0];
  if (!row || row.orders === PLANTED_ORDERS)
    return {
      name,
      passed: false,
      detail: row
        ? `the row the checker put there before the run (orders ${PLANTED_ORDERS}) is still there: your run did not write ${day}`
        : `no row for ${day}`,
      pointer:
        after.length > 0
          ? `it wrote ${after[0]!.day}, the logical date's own day: a run at midnight loads the day that just ended (the page, "Which day")`
          : 'which day does load_day load? The one before the run’s logical date (the page, "Which day")',
    };
  if (row.orders !== reference.orders || Math.abs(row.revenue - reference.revenue) > 0.005)
    return {
      name,
      passed: false,
      detail: `yours: ${row.orders} orders, revenue ${row.revenue.toFixed(2)}; ${expected}`,
      pointer:
        'every order placed that UTC day counts, whatever its status; revenue is the sum of total_amount',
    };
  return {
    name,
    passed: true,
    detail: `${row.orders} orders, revenue ${row.revenue.toFixed(2)}, as in source.orders${planted ? ' (the stale row the checker put there first was replaced)' : ''}`,
  };
}

/**
 * Puts a stale row for `day` into the learner's table, when there is one, as an earlier run
 * would have left it: the run must replace it. False when there is no table to put it in.
 */
async function plantStaleRow(context: LessonContext, table: string, day: string) {
  return withLabPool(context, async (pool) => {
    if (!(await tableExists(pool, table))) return false;
    try {
      await pool.query(`DELETE FROM ${table} WHERE day = $1::date`, [day]);
      await pool.query(`INSERT INTO ${table} (day, orders, revenue) VALUES ($1::date, $2, 0)`, [
        day,
        PLANTED_ORDERS,
      ]);
      return true;
    } catch {
      // A table of another shape: the run's result shows what is wrong with it.
      return false;
    }
  });
}

export const dailyDag: Lesson = {
  number: 5,
  slug: SLUG,
  script: FILE,
  scriptIn: 'dags',
  title: 'An Airflow DAG that loads each day, run and checked through the REST API',
  hints: [
    'The schedule is an argument of @dag: a preset like "@daily" or a cron expression. A DAG file shows in Airflow about 10 s after you save it; an import error shows in the UI’s DAG Import Errors.',
    'Inside a task, get_current_context()["logical_date"] is the run’s logical date, a datetime in UTC. The day to load is the one before it: subtract a timedelta(days=1), then .date().',
    'A task depends on another when the DAG says so: a >> b, with a and b what calling the @task functions returned.',
    'Replace, don’t add: INSERT … ON CONFLICT (day) DO UPDATE (or DELETE that day, then INSERT, in one transaction), so that a run that runs again leaves one right row.',
  ],

  async start() {
    return { at: Date.now() };
  },

  async check(context) {
    const { dagId, table } = dailyDagNames(context.suffix);
    const script = join(context.dagBundle.dir, FILE);
    const shown = relative(context.root, script);
    if (!existsSync(script))
      return [
        {
          name: `your DAG ${shown}`,
          passed: false,
          detail: `${shown} does not exist`,
          pointer: '`datapark lesson start 5` copies the starter there',
        },
      ];
    const airflow = AirflowClient.fromConfig(context.config);
    context.log(`waiting for Airflow to parse ${shown}…`);
    const parse = await waitForParse(airflow, context.dagBundle, script, dagId);
    const items: CheckItem[] = [parseItem(parse, dagId, shown, script)];
    if (parse.kind !== 'dag') return items;

    const schedule = parse.dag.timetable_summary;
    const daily = schedule !== null && DAILY.has(schedule);
    items.push({
      name: `${dagId} runs every day at midnight`,
      passed: daily,
      detail: `its schedule: ${schedule ?? 'None (runs only when triggered)'}`,
      ...(daily ? {} : { pointer: `${PAGE}, step 1: the schedule` }),
    });
    const problems = await tasksAsParsed(airflow, dagId, readFileSync(script, 'utf8'));
    items.push({
      name: `${dagId} has the tasks ${TASKS.join(' >> ')}`,
      passed: problems.length === 0,
      detail: problems.length ? problems.join('; ') : 'both, in that order',
      ...(problems.length ? { pointer: `${PAGE}, steps 2 and 3: the tasks and their order` } : {}),
    });
    if (!items.every((i) => i.passed)) return items;

    const reference = await withLabPool(context, lastWholeDay);
    if (!reference) {
      items.push({
        name: 'a day of orders to run for',
        passed: false,
        detail: 'source.orders has no order placed before today (UTC)',
        pointer:
          'the shop needs a day of history: `npm run demo`, or the event generator (docs/event-generator.md)',
      });
      return items;
    }
    const planted = await plantStaleRow(context, table, reference.day);
    const run = await runFor(context, airflow, dagId, reference.day);
    items.push(run);
    if (!run.passed) return items;
    items.push(await dayItem(context, table, reference.day, reference, planted));
    return items;
  },

  async reset(context) {
    const { dagId, table } = dailyDagNames(context.suffix);
    // The file is moved aside first (resetLesson), so Airflow does not parse it back.
    await AirflowClient.fromConfig(context.config)
      .dags.delete(dagId)
      .catch((error: unknown) => {
        if (!(error instanceof NotFoundError)) throw error;
      });
    await dropTables(context, [table]);
  },
};
