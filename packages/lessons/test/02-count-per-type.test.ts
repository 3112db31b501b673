import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkLesson,
  countPerTypeNames,
  findLesson,
  readProgress,
  resetLesson,
  startLesson,
} from '@datapark/lessons';
import { committedOffsets, groupMembers } from '../src/consumer-group.js';
import { tableExists, withLabPool } from '../src/lab-tables.js';
import { runLearnerScript } from '../src/run-learner-script.js';
import { failedItems, itemsText, placeSolution, placeStarter, testContext } from './fixtures.js';

const lesson = findLesson(2);
const context = testContext();
const names = countPerTypeNames(context.suffix);
afterAll(() => context.cleanup());

describe('lesson 2: a consumer that counts events per type', () => {
  it('the starter, run and stopped, fails the check: its group consumed, but there is no table', async () => {
    await startLesson(context, lesson);
    const script = placeStarter(context, lesson, countPerTypeNames(''));
    const starter = runLearnerScript(script, context.root, context.suffix);
    // Until its consumer has committed past the 300 events start produced, then Ctrl-C.
    for (let i = 0; i < 120; i++) {
      const committed = await committedOffsets(context, names.groupId, 'clickstream');
      const started = readProgress(context.progressFile)[2]!.started!['topic'] as Record<
        string,
        string
      >;
      if ([...committed].some(([p, o]) => BigInt(o) > BigInt(started[p] ?? '0'))) break;
      await sleep(500);
    }
    // start again while it runs: Kafka would refuse to move the group, so start says to stop it.
    await expect(startLesson(context, lesson)).rejects.toMatchObject({
      code: 'GROUP_RUNNING',
      message: `a consumer of group ${names.groupId} is running: stop it (Ctrl-C), then start again`,
    });
    starter.child.kill('SIGINT');
    expect(await starter.exited).toBe(0);
    expect(starter.output()).toContain('stopped');

    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const text = itemsText(result.items);
    expect(text).toContain(
      `✓ group ${names.groupId} consumed clickstream since the lesson started`,
    );
    expect(text).toContain(
      `✗ ${names.table} holds one count per event type: ${names.table} does not exist`,
    );
    expect(result.items.at(-1)!.pointer).toContain('docs/lessons/02-count-per-type.md');
  });

  it('passes with counts that match the valid events the group consumed', async () => {
    // The starter consumed events without counting them: start afresh, as the pointer says.
    await resetLesson(context, lesson);
    await startLesson(context, lesson);
    const solution = runLearnerScript(placeSolution(context, lesson), context.root, context.suffix);
    expect(await solution.exited).toBe(0);
    expect(await groupMembers(context, names.groupId)).toBe(0);
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    expect(result.passed).toBe(true);
    expect(itemsText(result.items)).toMatch(/event types, \d+ events, every count right/);
  });

  it('a typical mistake, an event counted twice, fails naming the type and what to look for', async () => {
    await withLabPool(context, (pool) =>
      pool.query(`UPDATE ${names.table} SET events = events + 1 WHERE event_type = 'search'`),
    );
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const last = result.items.at(-1)!;
    expect(last.detail).toMatch(/^search: yours (\d+), the topic's \d+ \(\+1\)$/);
    expect(last.pointer).toContain('counted twice');
    // Passed once: the progress keeps it.
    expect(readProgress(context.progressFile)[2]?.passedAt).toBeDefined();
  });

  it('reset drops the table and the group', async () => {
    await resetLesson(context, lesson);
    expect(await withLabPool(context, (pool) => tableExists(pool, names.table))).toBe(false);
    expect((await committedOffsets(context, names.groupId, 'clickstream')).size).toBe(0);
    expect(readProgress(context.progressFile)[2]).toBeUndefined();
  });
});
