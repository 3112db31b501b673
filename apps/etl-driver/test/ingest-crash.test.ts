import type { TopicName } from '@datapark/events';
import {
  freshGroup,
  groupProgress,
  ingestTestFile,
  landedCounts,
  produce,
  runCli,
  startCli,
  storedOffsets,
  validEvents,
  waitFor,
} from './fixtures.js';

const { ingestDb, analyst } = ingestTestFile();

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
    const ids = new Map<TopicName, string[]>(TOPICS.map((t) => [t, []]));
    const producePhase = async () => {
      for (const topic of TOPICS) {
        const events = validEvents(topic, PER_TOPIC / 2);
        // Small sends make small record batches, so each transaction is small too.
        await produce(topic, events, 500);
        ids.get(topic)!.push(...events.map((e) => e.event_id));
      }
    };
    const args = ['ingest', '--group', group, '--topics', TOPICS.join(','), ...SLOW];

    await producePhase();
    const first = startCli(args);
    await waitFor('the first process to land batches', async () =>
      (await groupProgress(ingestDb, group, start)) > 500 ? true : undefined,
    );
    // A second member joins: the group rebalances and the partitions are split between them.
    const second = startCli(args);
    const outputs = () =>
      `--- first ---\n${first.stderr().slice(-3000)}\n--- second ---\n${second.stderr().slice(-3000)}`;
    await waitFor(
      'both members to hold partitions after the rebalance',
      async () =>
        /joined group .*\[\d/.test(second.stderr()) &&
        (first.stderr().match(/joined group/g)?.length ?? 0) >= 2
          ? true
          : undefined,
      120_000,
      100,
      outputs,
    );
    // More records while both consume; the first leaves while they still arrive and the second
    // takes over. The mark is taken before producing: both members land records as fast as they
    // arrive, so progress measured after producing could already be final and never grow again.
    const beforeSecondPhase = await groupProgress(ingestDb, group, start);
    const secondPhase = producePhase();
    secondPhase.catch(() => undefined); // awaited below; this only keeps an early failure handled
    await waitFor(
      'both members to land new records',
      async () =>
        (await groupProgress(ingestDb, group, start)) > beforeSecondPhase + 500 ? true : undefined,
      120_000,
      100,
      outputs,
    );
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(0);
    await secondPhase;
    const all = TOPICS.flatMap((t) => ids.get(t)!.map((id) => [t, id] as const));
    await waitFor(
      'the second member to land everything',
      async () => {
        for (const topic of TOPICS)
          if ((await landedCounts(analyst, topic, ids.get(topic)!)).size < ids.get(topic)!.length)
            return undefined;
        return true;
      },
      180_000,
      500,
      outputs,
    );
    second.child.kill('SIGINT');
    expect((await second.done).code).toBe(0);
    expect(all).toHaveLength(PER_TOPIC * TOPICS.length);
    for (const topic of TOPICS) {
      const landed = await landedCounts(analyst, topic, ids.get(topic)!);
      expect(landed.size).toBe(PER_TOPIC);
      expect([...landed.values()].filter((n) => n !== 1)).toEqual([]);
    }
  }, 300_000);
});
