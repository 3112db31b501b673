import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  checkLesson,
  findLesson,
  readProgress,
  resetLesson,
  startLesson,
  streamingNames,
} from '@datapark/lessons';
import { SparkRestClient } from '@datapark/spark-client';
import { tableExists, withLabPool } from '../src/lab-tables.js';
import { failedItems, itemsText, placeSolution, placeStarter, testContext } from './fixtures.js';

// Spark Structured Streaming on the shared cluster: each check submits the learner's job (one
// driver core, one executor core, 512 MiB heaps), produces its burst to clickstream, compares
// and kills the job. A driver waits while other applications hold the cores: minutes.
const lesson = findLesson(12);
const context = testContext();
const names = streamingNames(context.suffix);
const spark = SparkRestClient.fromConfig(context.config);
afterAll(() => context.cleanup());

/** The checker's own driver id, from the items, and that the master ended it. */
async function expectStopped(items: readonly { name: string; passed: boolean; detail: string }[]) {
  const stopped = items.find((i) => i.name.startsWith('the checker stopped your job'));
  expect(stopped).toMatchObject({ passed: true });
  const id = /^(\S+): /.exec(stopped!.detail)![1]!;
  expect(['KILLED', 'FINISHED', 'FAILED', 'ERROR']).toContain((await spark.status(id)).driverState);
}

describe('lesson 12: a Structured Streaming aggregate of the clickstream', () => {
  it('the untouched starter ends by itself, and the check says a streaming query runs until stopped', async () => {
    const started = await startLesson(context, lesson);
    expect(started.script).toMatch(/12-streaming\.py$/);
    placeStarter(context, lesson, streamingNames(''));
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const text = itemsText(result.items);
    expect(text).toContain('lesson 12: no aggregate yet; fill in the TODOs');
    expect(result.items.find((i) => !i.passed)!.pointer).toMatch(/runs until it is stopped/);
    await expectStopped(result.items);
  }, 900_000);

  it('a typical mistake, appending each micro-batch’s rows, fails on the second batch naming the upsert', async () => {
    const script = placeSolution(context, lesson, streamingNames(''));
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace(
        /\n\s*ON CONFLICT \(window_start, page\) DO UPDATE\n\s*SET window_end = EXCLUDED\.window_end, views = EXCLUDED\.views"""/,
        '"""',
      ),
    );
    expect(readFileSync(script, 'utf8')).not.toContain('ON CONFLICT');
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const ended = result.items.find((i) => i.name === 'your job kept running through the burst')!;
    expect(ended.passed).toBe(false);
    expect(ended.detail).toMatch(/^it ended \((FAILED|ERROR)\)/);
    expect(ended.detail).toContain('duplicate key');
    expect(ended.pointer).toContain('ON CONFLICT … DO UPDATE');
    // The first half was written before the second batch failed: its counts, not the totals.
    expect(itemsText(result.items)).toMatch(/\/lesson-12\/\w+\/a: 12 views, the burst had 18/);
    await expectStopped(result.items);
  }, 900_000);

  it('passes with the reference: the burst counted per window and page, in place; the job stopped', async () => {
    placeSolution(context, lesson, streamingNames(''));
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    expect(itemsText(result.items)).toMatch(
      /3 pages, 36 views in the window \d\d:\d\d, each count right/,
    );
    expect(readProgress(context.progressFile)[12]?.passedAt).toBeDefined();
    await expectStopped(result.items);
  }, 900_000);

  it('reset drops the table and keeps the job as .bak', async () => {
    const { savedScript } = await resetLesson(context, lesson);
    expect(savedScript).toMatch(/12-streaming\.py\.bak$/);
    expect(existsSync(`${context.root}/${savedScript}`)).toBe(true);
    expect(await withLabPool(context, (pool) => tableExists(pool, names.table))).toBe(false);
  });
});
