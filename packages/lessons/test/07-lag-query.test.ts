import { writeFileSync } from 'node:fs';
import {
  checkLesson,
  findLesson,
  lagQueryNames,
  readProgress,
  resetLesson,
  startLesson,
} from '@datapark/lessons';
import { committedOffsets } from '../src/consumer-group.js';
import { failedItems, itemsText, placeSolution, testContext } from './fixtures.js';

// The platform's Prometheus and its Kafka lag exporter (scraped every 15 s): the group start
// places never consumes, so its lag is the events produced after it.
const lesson = findLesson(7);
const context = testContext();
const names = lagQueryNames(context.suffix);
afterAll(async () => {
  await resetLesson(context, lesson);
  context.cleanup();
});

describe('lesson 7: a PromQL query for a consumer group’s lag', () => {
  it('the starter has no expression yet, and the check says where to write it', async () => {
    await startLesson(context, lesson);
    const result = await checkLesson(context, lesson);
    expect(result.items).toEqual([
      expect.objectContaining({
        passed: false,
        detail: 'no expression in it (only # comments)',
        pointer: 'docs/lessons/07-lag-query.md, step 2',
      }),
    ]);
  });

  it('passes with the reference query: one number, the lag Prometheus has for the group', async () => {
    placeSolution(context, lesson);
    const result = await checkLesson(context, lesson);
    expect(failedItems(result.items)).toBe('');
    expect(itemsText(result.items)).toMatch(
      new RegExp(`: \\d+ records behind, as Prometheus has it for ${names.groupId}$`),
    );
    expect(readProgress(context.progressFile)[7]?.passedAt).toBeDefined();
  });

  it('a typical mistake, no aggregation, fails with one series per partition', async () => {
    const script = placeSolution(context, lesson);
    writeFileSync(
      script,
      `kafka_consumergroup_lag{consumergroup="lab-lesson-07", topic="clickstream"}\n`,
    );
    const result = await checkLesson(context, lesson);
    expect(result.items[0]).toMatchObject({
      passed: false,
      pointer: 'one number for the group: the page, "Aggregation"',
    });
    expect(result.items[0]!.detail).toMatch(/^it returned \d+ series, e\.g\. \{.*"partition"/);
  });

  it('a query Prometheus refuses fails with its error', async () => {
    const script = placeSolution(context, lesson);
    writeFileSync(script, `sum(kafka_consumergroup_lag{consumergroup="lab-lesson-07"}\n`);
    const result = await checkLesson(context, lesson);
    expect(result.items[0]!.detail).toMatch(/^Prometheus refused it: .*parse error/);
  });

  it('reset deletes the group', async () => {
    await resetLesson(context, lesson);
    expect((await committedOffsets(context, names.groupId, 'clickstream')).size).toBe(0);
  });
});
