import type { TopicName } from '@datapark/events';
import {
  closeProducer,
  forgetGroups,
  freshGroup,
  groupProgress,
  landedCounts,
  pool,
  produce,
  runCli,
  startCli,
  storedOffsets,
  validEvents,
  waitFor,
  killLeftovers,
} from './fixtures.js';

const ingestDb = pool('ingest');
const analyst = pool('analyst');

afterAll(async () => {
  killLeftovers();
  await closeProducer();
  await forgetGroups();
  await Promise.all([ingestDb.end(), analyst.end()]);
});

const TOPICS: TopicName[] = ['order-events', 'clickstream'];
const PER_TOPIC = 15_000;
// Small fetches: many small transactions, so the process is surely mid-stream when it is stopped.
const SLOW = ['--batch-bytes', '16384', '--concurrency', '1', '--progress-interval', '1'];

describe('datapark-etl ingest, stopped mid-stream or rebalanced', () => {
  it('loses nothing and duplicates nothing when SIGKILLed, then SIGINTed, then restarted', async () => {
    const group = await freshGroup('test-ingest-crash', TOPICS);
    const start = await storedOffsets(ingestDb, group);
    const ids = new Map<TopicName, string[]>();
    for (const topic of TOPICS) {
      const events = validEvents(topic, PER_TOPIC);
      await produce(topic, events);
      ids.set(
        topic,
        events.map((e) => e.event_id),
      );
    }
    const total = PER_TOPIC * TOPICS.length;
    const args = ['ingest', '--group', group, '--topics', TOPICS.join(','), ...SLOW];

    // 1. SIGKILL while it copies: no chance to finish a batch or say goodbye.
    const killed = startCli([...args, '--until-caught-up']);
    await waitFor('the first committed batches', async () =>
      (await groupProgress(ingestDb, group, start)) > 500 ? true : undefined,
    );
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    const afterKill = await groupProgress(ingestDb, group, start);
    expect(afterKill).toBeLessThan(total);

    // 2. SIGINT: the batch in flight commits or rolls back whole, and the process exits 0.
    const interrupted = startCli(args);
    await waitFor('progress after the restart', async () =>
      (await groupProgress(ingestDb, group, start)) > afterKill + 500 ? true : undefined,
    );
    interrupted.child.kill('SIGINT');
    const stopped = await interrupted.done;
    expect({ code: stopped.code, stopped: /stopped:/.test(stopped.stderr) }).toEqual({
      code: 0,
      stopped: true,
    });
    expect(await groupProgress(ingestDb, group, start)).toBeLessThan(total);

    // 3. Restarted to the end.
    const finished = await runCli([...args, '--until-caught-up']);
    expect({ code: finished.code, stderr: finished.code ? finished.stderr : '' }).toEqual({
      code: 0,
      stderr: '',
    });
    for (const topic of TOPICS) {
      const landed = await landedCounts(analyst, topic, ids.get(topic)!);
      expect(landed.size).toBe(PER_TOPIC);
      expect([...landed.values()].filter((n) => n !== 1)).toEqual([]);
    }
  }, 300_000);

  it('shares a group between two processes through rebalances (one joins, one leaves) and lands everything once', async () => {
    const group = await freshGroup('test-ingest-rebalance', TOPICS);
    const start = await storedOffsets(ingestDb, group);
    const ids = new Map<TopicName, string[]>();
    for (const topic of TOPICS) {
      const events = validEvents(topic, PER_TOPIC);
      await produce(topic, events);
      ids.set(
        topic,
        events.map((e) => e.event_id),
      );
    }
    const args = ['ingest', '--group', group, '--topics', TOPICS.join(','), ...SLOW];

    const first = startCli(args);
    await waitFor('the first process to land batches', async () =>
      (await groupProgress(ingestDb, group, start)) > 500 ? true : undefined,
    );
    // A second member joins: the group rebalances and the partitions are split.
    const second = startCli([...args, '--until-caught-up']);
    await waitFor(
      'the second process to get partitions',
      async () => (/joined group .*\[\d/.test(second.stderr()) ? true : undefined),
      120_000,
      100,
      () => second.stderr(),
    );
    // The first member was rebalanced too: it joined again with part of the partitions.
    await waitFor(
      'the first process to rejoin after the rebalance',
      async () => ((first.stderr().match(/joined group/g)?.length ?? 0) >= 2 ? true : undefined),
      120_000,
      100,
      () => first.stderr(),
    );
    expect(await groupProgress(ingestDb, group, start)).toBeLessThan(PER_TOPIC * TOPICS.length);
    // The first leaves mid-stream: its partitions move to the second, which finishes them.
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(0);
    const finished = await second.done;
    expect({ code: finished.code, stderr: finished.code ? finished.stderr : '' }).toEqual({
      code: 0,
      stderr: '',
    });
    for (const topic of TOPICS) {
      const landed = await landedCounts(analyst, topic, ids.get(topic)!);
      expect(landed.size).toBe(PER_TOPIC);
      expect([...landed.values()].filter((n) => n !== 1)).toEqual([]);
    }
  }, 300_000);
});
