import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import {
  checkLesson,
  findLesson,
  readProgress,
  resetLesson,
  sparkJobNames,
  startLesson,
} from '@datapark/lessons';
import { tableExists, withLabPool } from '../src/lab-tables.js';
import { failedItems, itemsText, placeSolution, testContext } from './fixtures.js';

const lesson = findLesson(4);
const context = testContext();
const names = sparkJobNames(context.suffix);
afterAll(() => context.cleanup());

/** Submits a job as the lesson's page says: lab/scripts/submit-spark-job.ts, @datapark/spark-client. */
async function submit(job: string, ...args: string[]): Promise<string> {
  const child = spawn(
    process.execPath,
    [`${context.root}/lab/scripts/submit-spark-job.ts`, job, ...args],
    { cwd: context.root },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${job} failed (${code}):\n${output}`);
  return output;
}

describe('lesson 4: a PySpark job over source', () => {
  it('start copies the .py starter; with no job run, the check says what the history server lacks', async () => {
    const started = await startLesson(context, lesson);
    expect(started.script).toMatch(/04-spark-job\.py$/);
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    expect(result.items[0]!.detail).toContain(
      `lists no finished application named ${names.appName} since \`datapark lesson start 4\``,
    );
    expect(result.items[0]!.pointer).toContain('appName');
  });

  it('a typical mistake, leaving cancelled orders out, fails: every order counts, whatever its status', async () => {
    const job = placeSolution(context, lesson);
    const reference = readFileSync(job, 'utf8');
    const mistake = reference.replace(
      '.options(dbtable="source.orders", **jdbc).load()',
      '.options(dbtable="source.orders", **jdbc).load().where("status <> \'cancelled\'")',
    );
    expect(mistake).not.toBe(reference);
    writeFileSync(job, mistake);
    expect(await submit(job, context.suffix)).toMatch(/FINISHED/);
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const days = result.items.find((i) => i.name.endsWith('holds the orders and revenue per day'))!;
    expect(days.passed).toBe(false);
    // Short days, or missing ones (a day of cancelled orders only), and no extra day.
    expect(days.detail).toMatch(
      /days differ, e\.g\. \d{4}-\d\d-\d\d: (\d+ orders, source ha[sd]|missing)/,
    );
    expect(days.detail).not.toContain('no order in source');
    expect(days.pointer).toContain('every order counts, whatever its status');
  }, 900_000);

  it('passes once the reference job has run: the application in the history server, the days matching source', async () => {
    const output = await submit(placeSolution(context, lesson), context.suffix);
    expect(output).toMatch(/FINISHED/);
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    expect(itemsText(result.items)).toMatch(/days, each matching source\.orders/);
    expect(readProgress(context.progressFile)[4]?.passedAt).toBeDefined();
    // A driver waits in SUBMITTED while other applications hold the cluster's cores: seen here
    // for minutes at a load of 25, with the platform's daily batch and a notebook's job running.
  }, 900_000);

  it('reset drops the table', async () => {
    await resetLesson(context, lesson);
    expect(await withLabPool(context, (pool) => tableExists(pool, names.table))).toBe(false);
  });
});
