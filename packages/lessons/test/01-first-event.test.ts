import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { buildEvent } from '@datapark/events';
import { UncheckedProducer } from '@datapark/kafka';
import {
  checkLesson,
  findLesson,
  firstEventNames,
  readProgress,
  resetLesson,
  startLesson,
} from '@datapark/lessons';
import { runLearnerScript } from '../src/run-learner-script.js';
import { committedOffsets } from '../src/consumer-group.js';
import { itemsText, placeSolution, testContext } from './fixtures.js';

const lesson = findLesson(1);
const context = testContext();
afterAll(() => context.cleanup());

async function run(script: string): Promise<string> {
  const p = runLearnerScript(script, context.root, context.suffix);
  const exit = await p.exited;
  if (exit !== 0) throw new Error(`${script} exited ${exit}:\n${p.output()}`);
  return p.output();
}

describe('lesson 1: first typed event and the DLQ', () => {
  it('start copies the starter, which fails the check with a pointer and no answer', async () => {
    const started = await startLesson(context, lesson);
    expect(started.copiedStarter).toBe(true);
    expect(started.page).toBe('docs/lessons/01-first-event.md');
    expect(existsSync(`${context.root}/${started.page}`)).toBe(true);

    expect(await run(`${context.scriptsDir}/01-first-event.ts`)).toContain('nothing done yet');
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(false);
    const [typed, bad] = result.items;
    expect(typed).toMatchObject({ passed: false });
    expect(typed!.detail).toContain(
      `no record whose envelope says producer "lab/lesson-01${context.suffix}"`,
    );
    expect(typed!.pointer).toContain('EventProducer');
    expect(bad).toMatchObject({ passed: false });
    expect(readProgress(context.progressFile)[1]?.passedAt).toBeUndefined();
  });

  it('a typical mistake, a valid event sent without EventProducer, fails naming what is missing', async () => {
    const event = buildEvent(
      'clickstream',
      'page_view',
      { session_id: randomUUID(), customer_id: null, page: '/lessons/1', referrer: null },
      { producer: firstEventNames(context.suffix).producer },
    );
    const unchecked = await UncheckedProducer.connect(context.kafka);
    await unchecked.send('clickstream', [
      { key: event.payload.session_id, value: JSON.stringify(event) },
    ]);
    await unchecked.disconnect();
    const result = await checkLesson(context, lesson);
    expect(result.items[0]).toMatchObject({
      passed: false,
      detail:
        '1 valid record(s) of yours, but none carries the schema-subject header that EventProducer adds',
    });
    expect(result.items[0]!.pointer).toContain('send it with EventProducer');
  });

  it('passes once a typed event is sent, a bad record too, and a consumer dead-letters it', async () => {
    const output = await run(placeSolution(context, lesson));
    expect(output).toMatch(/dead-lettered \d+\/\d+: /);
    const result = await checkLesson(context, lesson);
    expect(result.passed).toBe(true);
    expect(itemsText(result.items)).toMatch(/the reason in its headers: .*page/);
    // Where to find it: the DLQ holds every bad record ever sent, so the check names the offset.
    expect(itemsText(result.items)).toMatch(
      /see it: npx datapark kafka consume clickstream\.dlq --partition \d+ --offset \d+ --max-messages 1/,
    );
    expect(result.items).toHaveLength(4);
    expect(readProgress(context.progressFile)[1]?.passedAt).toBeDefined();
  });

  it('reset deletes the consumer group, forgets the progress and moves the script aside', async () => {
    const { groupId } = { groupId: `lab-lesson-01${context.suffix}` };
    expect((await committedOffsets(context, groupId, 'clickstream')).size).toBeGreaterThan(0);
    const reset = await resetLesson(context, lesson);
    expect(reset.savedScript).toMatch(/01-first-event\.ts\.bak$/);
    expect((await committedOffsets(context, groupId, 'clickstream')).size).toBe(0);
    expect(readProgress(context.progressFile)[1]).toBeUndefined();
    await expect(checkLesson(context, lesson)).rejects.toThrow(
      'lesson 1 is not started: `datapark lesson start 1`',
    );
  });
});
