import type { HistoryApplication } from '@datapark/spark-client';
import { SparkHistoryClient } from '@datapark/spark-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropTables, tableExists, withLabPool } from '../lab-tables.js';
import type { CheckItem, Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';

const SLUG = '04-spark-job';

export const sparkJobNames = (suffix: string) => ({
  appName: `lab-lesson-04${suffix}`,
  table: `lab.lesson04_daily_orders${suffix}`,
});

/** The history server picks up a finished application's event log within its update interval. */
const HISTORY_WAIT_MS = 30_000;

interface DayRow {
  readonly day: string;
  readonly orders: number;
  readonly revenue: number;
}

/** The newest finished application of that name that started after `since`. */
async function finishedApplication(
  context: LessonContext,
  appName: string,
  since: number,
): Promise<HistoryApplication | undefined> {
  const history = SparkHistoryClient.fromConfig(context.config);
  const deadline = Date.now() + HISTORY_WAIT_MS;
  for (;;) {
    const apps = await history.applications({ status: 'completed', limit: 100 });
    const mine = apps.find(
      (a) =>
        a.name === appName &&
        Date.parse(a.attempts[0]?.startTime.replace('GMT', 'Z') ?? '') >= since,
    );
    if (mine || Date.now() > deadline) return mine;
    await sleep(3000);
  }
}

export const sparkJob: Lesson = {
  number: 4,
  slug: SLUG,
  script: `${SLUG}.py`,
  title: 'A PySpark job over source, submitted with @datapark/spark-client',
  hints: [
    'Read source.orders over JDBC as the lab role: load_config().postgres_login("lab") has the jdbc_url, user and password (lab/spark/first_job.py does it).',
    'A day is the UTC date of placed_at: set spark.sql.session.timeZone to UTC, then F.to_date("placed_at"). Every order counts, whatever its status.',
    'Write with mode("overwrite") and truncate="true": each run replaces the rows and keeps the table.',
    'The application’s name is what the history server lists: SparkSession.builder.appName(...) in your job.',
  ],

  async start() {
    return { at: Date.now() };
  },

  async check(context, started) {
    const { appName, table } = sparkJobNames(context.suffix);
    const items: CheckItem[] = [];
    context.log(`looking for ${appName} in the Spark history server…`);
    const app = await finishedApplication(context, appName, Number(started['at']));
    if (!app) {
      items.push({
        name: `Spark ran ${appName} since the lesson started`,
        passed: false,
        detail: `the history server (${context.config.spark.historyUrl}) lists no finished application named ${appName} since \`datapark lesson start 4\``,
        pointer: `submit your job (docs/lessons/${SLUG}.md, step 4), with ${appName} as its appName; a job still waiting for cores shows at ${context.config.spark.uiUrl}`,
      });
      return items;
    }
    const history = SparkHistoryClient.fromConfig(context.config);
    const jobs = await history.jobs(app.id);
    const failed = jobs.filter((j) => j.status === 'FAILED');
    const attempt = app.attempts[0]!;
    items.push({
      name: `Spark ran ${appName} since the lesson started`,
      passed: failed.length === 0 && jobs.length > 0,
      detail: `${app.id}, ${(attempt.duration / 1000).toFixed(0)} s, ${jobs.length} Spark job(s)${failed.length ? `, ${failed.length} failed` : ''}`,
      ...(failed.length === 0 && jobs.length > 0
        ? {}
        : {
            pointer:
              jobs.length === 0
                ? 'it ran no Spark job: nothing was read or written (an action, like a write, runs one)'
                : `its failed jobs and their stages: ${context.config.spark.historyUrl}/history/${app.id}/jobs/`,
          }),
    });

    const since = Date.parse(attempt.startTime.replace('GMT', 'Z'));
    const compared = await withLabPool(context, async (pool) => {
      if (!(await tableExists(pool, table))) return `${table} does not exist`;
      let yours: DayRow[];
      try {
        yours = (
          await pool.query<DayRow>(
            `SELECT day::text AS day, orders::float8 AS orders, revenue::float8 AS revenue FROM ${table}`,
          )
        ).rows;
      } catch (error) {
        if ((error as { code?: unknown }).code === '42703')
          return `${table} lacks a column the lesson's page names (day, orders, revenue)`;
        throw error;
      }
      // The reference: every order by the UTC day it was placed. Orders placed after the job
      // started may or may not have been read by it: on those days, any count between the two
      // is right.
      const { rows: reference } = await pool.query<DayRow & { before: number }>(
        `SELECT (placed_at AT TIME ZONE 'UTC')::date::text AS day, count(*)::float8 AS orders,
                sum(total_amount)::float8 AS revenue,
                (count(*) FILTER (WHERE placed_at <= $1))::float8 AS before,
                max(placed_at) > $1 AS moving
           FROM source.orders GROUP BY 1`,
        [new Date(since).toISOString()],
      );
      return { yours, reference };
    });
    if (typeof compared === 'string') {
      items.push({
        name: `${table} holds the orders and revenue per day`,
        passed: false,
        detail: compared,
        pointer: `docs/lessons/${SLUG}.md, step 3: your job writes it`,
      });
      return items;
    }
    const yours = new Map(compared.yours.map((r) => [r.day, r]));
    const problems: string[] = [];
    for (const ref of compared.reference as (DayRow & { before: number; moving: boolean })[]) {
      const mine = yours.get(ref.day);
      yours.delete(ref.day);
      if (!mine) problems.push(`${ref.day}: missing (${ref.orders} orders in source)`);
      else if (ref.moving) {
        if (mine.orders < ref.before || mine.orders > ref.orders)
          problems.push(
            `${ref.day}: ${mine.orders} orders, source had ${ref.before} when your job started`,
          );
      } else if (mine.orders !== ref.orders)
        problems.push(`${ref.day}: ${mine.orders} orders, source has ${ref.orders}`);
      else if (Math.abs(mine.revenue - ref.revenue) > 0.005)
        problems.push(
          `${ref.day}: revenue ${mine.revenue.toFixed(2)}, source's ${ref.revenue.toFixed(2)}`,
        );
    }
    for (const day of yours.keys()) problems.push(`${day}: no order in source was placed that day`);
    items.push(
      problems.length === 0
        ? {
            name: `${table} holds the orders and revenue per day`,
            passed: true,
            detail: `${compared.reference.length} days, each matching source.orders`,
          }
        : {
            name: `${table} holds the orders and revenue per day`,
            passed: false,
            detail: `${problems.length} of ${compared.reference.length} days differ, e.g. ${problems.slice(0, 3).join('; ')}`,
            // A day source has no order on means days moved (a time zone shifts the edge days
            // out); days missing or short without one mean orders were left out.
            pointer: problems.some((p) => p.includes('no order in source'))
              ? 'days shifted: is the day the UTC date of placed_at (spark.sql.session.timeZone)?'
              : 'counts or revenue differ: every order counts, whatever its status; revenue is the sum of total_amount',
          },
    );
    return items;
  },

  async reset(context) {
    await dropTables(context, [sparkJobNames(context.suffix).table]);
  },
};
