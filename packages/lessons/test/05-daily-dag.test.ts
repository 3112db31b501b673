import { readFileSync, writeFileSync } from 'node:fs';
import { AirflowClient, NotFoundError } from '@datapark/airflow-client';
import {
  checkLesson,
  dailyDagNames,
  findLesson,
  readProgress,
  resetLesson,
  startLesson,
} from '@datapark/lessons';
import { dropTables, tableExists, withLabPool } from '../src/lab-tables.js';
import { failedItems, itemsText, placeSolution, placeStarter, testContext } from './fixtures.js';

// The DAG goes to a folder of the platform's test-dags bundle (see testContext), under this
// test's own dag_id and table, so the learner's lab_lesson_05 is never touched.
const lesson = findLesson(5);
const context = testContext();
const names = dailyDagNames(context.suffix);
const airflow = AirflowClient.fromConfig(context.config);
afterAll(async () => {
  context.cleanup();
  await airflow.dags.delete(names.dagId).catch(() => undefined);
  await dropTables(context, [names.table]);
});

describe('lesson 5: a daily DAG, checked through the Airflow REST API', () => {
  it('the starter parses; the check names the missing schedule and task and triggers nothing', async () => {
    // The starter in place (suffixed) before start, which keeps it: never a test DAG under
    // the learner's dag_id.
    const script = placeStarter(context, lesson, dailyDagNames(''));
    const started = await startLesson(context, lesson);
    expect(started.copiedStarter).toBe(false);
    expect(script).toMatch(/\/lab_lesson_05\.py$/);

    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const [parsed, daily, tasks] = result.items;
    expect(parsed).toMatchObject({ passed: true });
    expect(daily).toMatchObject({
      passed: false,
      detail: 'its schedule: None (runs only when triggered)',
    });
    expect(daily!.pointer).toContain('docs/lessons/05-daily-dag.md, step 1');
    expect(tasks).toMatchObject({
      passed: false,
      detail: 'no task load_day (its tasks: create_table)',
    });
    expect(result.items).toHaveLength(3);
    const runs = await airflow.dagRuns.list(names.dagId).toArray();
    expect(runs).toHaveLength(0);
  });

  it('a typical mistake, an import Airflow cannot make, fails with the traceback’s last line', async () => {
    const script = placeStarter(context, lesson, dailyDagNames(''));
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace(
        'from airflow.sdk import dag, task\n',
        'from airflow.sdk import dag, tasks\n',
      ),
    );
    const result = await checkLesson(context, lesson);
    expect(result.items).toHaveLength(1);
    expect(result.items[0]).toMatchObject({
      passed: false,
      detail: 'Airflow could not import it, at line 13: from airflow.sdk import dag, tasks',
    });
    expect(result.items[0]!.pointer).toMatch(
      /^ImportError: cannot import name 'tasks' from 'airflow\.sdk' .*\(the whole traceback: the Airflow UI's DAG Import Errors\)$/,
    );
  });

  it('passes with the reference DAG: its run replaces the stale row the checker puts in first', async () => {
    // The table as an earlier run would have left it, so the checker plants a row the run
    // must replace.
    await withLabPool(context, (pool) =>
      pool.query(
        `CREATE TABLE ${names.table} (day date PRIMARY KEY, orders integer NOT NULL, revenue numeric(14, 2) NOT NULL)`,
      ),
    );
    placeSolution(context, lesson, dailyDagNames(''));
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    expect(result.passed).toBe(true);
    expect(itemsText(result.items)).toMatch(
      /holds \d{4}-\d\d-\d\d: its orders and revenue: \d+ orders, revenue [\d.]+, as in source\.orders \(the stale row the checker put there first was replaced\)/,
    );
    expect(readProgress(context.progressFile)[5]?.passedAt).toBeDefined();
    // A run waits for a Celery worker slot: the checker waits up to 5 minutes for it.
  }, 600_000);

  it('a typical mistake, loading the logical date’s own day, fails naming the day it wrote', async () => {
    const script = placeSolution(context, lesson, dailyDagNames(''));
    const text = readFileSync(script, 'utf8');
    expect(text).toContain(' - timedelta(days=1)');
    writeFileSync(script, text.replace(' - timedelta(days=1)', ''));
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const last = result.items.at(-1)!;
    const day = /holds (\d{4}-\d\d-\d\d):/.exec(last.name)?.[1];
    expect(last).toMatchObject({
      passed: false,
      detail: `the row the checker put there before the run (orders -1) is still there: your run did not write ${day}`,
    });
    expect(last.pointer).toMatch(
      /^it wrote \d{4}-\d\d-\d\d, the logical date's own day: a run at midnight loads the day that just ended/,
    );
  }, 600_000);

  it('reset moves the DAG file aside, deletes the DAG from Airflow and drops the table', async () => {
    const reset = await resetLesson(context, lesson);
    expect(reset.savedScript).toMatch(/lab_lesson_05\.py\.bak$/);
    await expect(airflow.dags.get(names.dagId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await withLabPool(context, (pool) => tableExists(pool, names.table))).toBe(false);
    expect(readProgress(context.progressFile)[5]).toBeUndefined();
  });
});
