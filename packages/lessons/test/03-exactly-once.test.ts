import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkLesson,
  exactlyOnceNames,
  findLesson,
  readProgress,
  resetLesson,
  startLesson,
} from '@datapark/lessons';
import { committedOffsets } from '../src/consumer-group.js';
import { tableExists, withLabPool } from '../src/lab-tables.js';
import { produceClickstream } from '../src/sample-clickstream.js';
import { failedItems, itemsText, placeSolution, placeStarter, testContext } from './fixtures.js';

const lesson = findLesson(3);
const context = testContext();
const names = exactlyOnceNames(context.suffix);
afterAll(() => context.cleanup());

describe('lesson 3: exactly once across a SIGKILL', () => {
  it('the starter fails the check, which shows why the consumer stopped', async () => {
    await startLesson(context, lesson);
    placeStarter(context, lesson, exactlyOnceNames(''));
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    expect(result.items[0]).toMatchObject({
      name: 'your consumer stores its progress with its counts',
      passed: false,
    });
    expect(result.items[0]!.detail).toContain('your consumer exited (1) before that');
    expect(result.items[0]!.detail).toContain('eachBatch is not written yet (TODO 3)');
    expect(result.items[0]!.pointer).toContain('docs/lessons/03-exactly-once.md');
  });

  it('the reference solution is killed mid-run, restarted, and counts every event once', async () => {
    placeSolution(context, lesson);
    // The shop keeps producing while the checker works, before, during and after the kill (its
    // generator would): the consumer counts those events too, up to the moment it stops.
    const shop = new AbortController();
    const shopping = (async () => {
      while (!shop.signal.aborted) {
        await produceClickstream(context, 100, `lessons-test-shop${context.suffix}`);
        await sleep(300);
      }
    })();
    const result = await checkLesson(context, lesson).finally(() => shop.abort());
    await shopping;
    expect(failedItems(result.items)).toBe('');
    expect(result.passed).toBe(true);
    expect(itemsText(result.items)).toMatch(/none lost, none doubled, across a SIGKILL/);
    expect(readProgress(context.progressFile)[3]?.passedAt).toBeDefined();
  });

  it('a typical mistake, an upsert that replaces the count instead of adding to it, fails naming the loss', async () => {
    // Resumes from the reference's stored offsets and counts: each batch now overwrites them.
    const script = placeSolution(context, lesson);
    const reference = readFileSync(script, 'utf8');
    const mistake = reference.replace(
      'SET events = ${COUNTS}.events + excluded.events',
      'SET events = excluded.events',
    );
    expect(mistake).not.toBe(reference);
    writeFileSync(script, mistake);
    const shop = new AbortController();
    const shopping = (async () => {
      while (!shop.signal.aborted) {
        await produceClickstream(context, 100, `lessons-test-shop${context.suffix}`);
        await sleep(300);
      }
    })();
    const result = await checkLesson(context, lesson).finally(() => shop.abort());
    await shopping;
    expect(result.passed).toBe(false);
    const counts = result.items.find((i) => i.name === `${names.counts} counts every event once`)!;
    expect(counts.passed).toBe(false);
    expect(counts.detail).toMatch(/^[a-z_]+: yours \d+, the topic's \d+/);
    expect(counts.pointer).toContain('lost:');
    expect(counts.pointer).toContain('add to the counts');
  });

  it('reset drops both tables and the group', async () => {
    await resetLesson(context, lesson);
    await withLabPool(context, async (pool) => {
      expect(await tableExists(pool, names.counts)).toBe(false);
      expect(await tableExists(pool, names.offsets)).toBe(false);
    });
    expect((await committedOffsets(context, names.groupId, 'clickstream')).size).toBe(0);
  });
});
