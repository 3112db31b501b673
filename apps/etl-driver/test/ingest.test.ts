import { randomUUID } from 'node:crypto';
import type { TopicName } from '@datapark/events';
import { TOPIC_CATALOG, TOPIC_NAMES } from '@datapark/events';
import type { PartitionOffsets } from '@datapark/kafka';
import { resetOffsets } from '../src/index.js';
import { fetchWatermarks } from '@datapark/kafka';
import {
  connection,
  type DeadLetterSeen,
  deadLetters,
  endOffsets,
  freshGroup,
  ingestSummary,
  ingestTestFile,
  landedCounts,
  produce,
  producePoison,
  produceUnchecked,
  runCli,
  storedOffsets,
  trackGroup,
  validEvents,
} from './fixtures.js';

const { ingestDb, analyst } = ingestTestFile();

const VALID_PER_TOPIC = 40;

/** The rows of `etl.dead_letters` at the positions of `letters`, in offset order. */
async function ledgerOf(topic: TopicName, letters: readonly DeadLetterSeen[]) {
  const { rows } = await analyst.query<{
    consumer_group: string;
    code: string | null;
    reason: string;
  }>(
    `SELECT consumer_group, code, reason FROM etl.dead_letters
      WHERE topic = $1 AND (partition, kafka_offset) IN (SELECT * FROM unnest($2::int[], $3::bigint[]))
      ORDER BY partition, kafka_offset`,
    [topic, letters.map((l) => l.partition), letters.map((l) => l.sourceOffset)],
  );
  return rows;
}

describe('datapark-etl ingest', () => {
  it('lands every valid event once and every invalid record in the DLQ: produced = raw + DLQ, per topic', async () => {
    const topics = [...TOPIC_NAMES];
    const poisonKey = randomUUID();
    // Before anything is produced: where the group starts, and where the DLQs end.
    const startWatermarks = await fetchWatermarks(connection, topics);
    const group = await freshGroup('test-ingest', topics);
    const dlqBefore = new Map<TopicName, PartitionOffsets>();
    for (const topic of topics) dlqBefore.set(topic, await endOffsets(TOPIC_CATALOG[topic].dlq));

    const produced = new Map<TopicName, { ids: string[]; poison: number }>();
    for (const topic of topics) {
      const events = validEvents(topic, VALID_PER_TOPIC);
      await produce(topic, events);
      const poison = await producePoison(topic, poisonKey);
      produced.set(topic, { ids: events.map((e) => e.event_id), poison });
    }

    const endsAfterProducing = new Map<TopicName, PartitionOffsets>();
    for (const topic of topics) endsAfterProducing.set(topic, await endOffsets(topic));

    const first = ingestSummary(
      await runCli(['ingest', '--group', group, '--until-caught-up', '--json']),
    );
    expect(first.stoppedBy).toBe('caught-up');
    for (const topic of topics) {
      const { ids, poison } = produced.get(topic)!;
      const landed = await landedCounts(analyst, topic, ids);
      const letters = await deadLetters(topic, dlqBefore.get(topic)!, poisonKey);
      // Every valid event exactly once; every poison record in the DLQ with its reason.
      expect([...landed.values()].filter((n) => n === 1)).toHaveLength(ids.length);
      expect(letters.map((l) => l.reason.replace(/:.*/s, ''))).toEqual(['not JSON', 'schema']);
      expect(ids.length + poison).toBe(landed.size + letters.length);
    }

    // The group's stored offsets cover everything produced before it ran.
    const stored = await storedOffsets(ingestDb, group);
    for (const [topic, ends] of endsAfterProducing)
      for (const [partition, end] of ends)
        expect(stored.get(`${topic}:${partition}`)! >= BigInt(end)).toBe(true);

    // The report sees the group, its lag against the end offsets, and the dead letters.
    const report = await runCli(['report', '--json']);
    expect(report.code).toBe(0);
    const parsed = JSON.parse(report.stdout) as {
      topics: { topic: string; deadLetters: number; produced: number }[];
      tables: { table: string; rows: number }[];
      ingestLag: { group: string; topic: string; lag: number }[];
    };
    for (const topic of topics) {
      const t = parsed.topics.find((x) => x.topic === topic)!;
      expect(t.deadLetters).toBeGreaterThanOrEqual(2);
      expect(t.produced).toBeGreaterThanOrEqual(VALID_PER_TOPIC + 2);
      const lag = parsed.ingestLag.find((g) => g.group === group && g.topic === topic);
      expect(lag?.lag).toBeGreaterThanOrEqual(0);
    }
    expect(parsed.tables.find((t) => t.table === 'raw.order_events')!.rows).toBeGreaterThanOrEqual(
      VALID_PER_TOPIC,
    );

    // Running again resumes from the stored offsets: what it landed is not landed again.
    const again = ingestSummary(
      await runCli(['ingest', '--group', group, '--until-caught-up', '--json']),
    );
    expect(again.skipped).toBe(0);

    // A replay by another group from the same starting point duplicates nothing in raw.
    const replayGroup = trackGroup(`${group}-replay`);
    await resetOffsets(ingestDb, replayGroup, startWatermarks, 'latest');
    const replay = ingestSummary(
      await runCli(['ingest', '--group', replayGroup, '--until-caught-up', '--json']),
    );
    expect(replay.skipped).toBeGreaterThanOrEqual(VALID_PER_TOPIC * topics.length);
    for (const topic of topics) {
      const landed = await landedCounts(analyst, topic, produced.get(topic)!.ids);
      expect([...landed.values()].every((n) => n === 1)).toBe(true);
      expect(landed.size).toBe(VALID_PER_TOPIC);
      // The replay sent the poison records to the DLQ again; the ledger has each once, by the
      // group that first dead-lettered it.
      const letters = await deadLetters(topic, dlqBefore.get(topic)!, poisonKey);
      expect(letters.every((l) => l.copies >= 2)).toBe(true);
      const ledger = await ledgerOf(topic, letters);
      expect(ledger.map((r) => [r.consumer_group, r.reason.replace(/:.*/s, '')])).toEqual([
        [group, 'not JSON'],
        [group, 'schema'],
      ]);
    }
  }, 240_000);

  it('sets aside a row PostgreSQL refuses (a bad date), a NUL character and an unknown schema version: they go to the DLQ with the SQLSTATE or the code, the rows around them land once, and ingest goes on', async () => {
    const topic = 'clickstream';
    const key = randomUUID();
    const group = await freshGroup('test-refused', [topic]);
    const dlqBefore = await endOffsets(TOPIC_CATALOG[topic].dlq);
    const good = validEvents(topic, 6);
    const [a, b, c] = validEvents(topic, 3);
    // Each passes a JSON parse. The version 3e9 once reached PostgreSQL, which refused it as out
    // of integer range (22003); now no contract publishes it, so it never gets that far. The
    // year 0 passes our schema and only PostgreSQL refuses it. The NUL one is what issue 14
    // reproduced: it once stopped ingest for good.
    const outOfRange = { ...a!, schema_version: 3_000_000_000 };
    const yearZero = { ...b!, occurred_at: '0000-01-01T00:00:00Z' };
    const nul = { ...c!, payload: { ...c!.payload, page: '/\u0000x' } };
    const bad = [outOfRange, yearZero, nul];
    await produceUnchecked(
      topic,
      key,
      [good[0], bad[0], good[1], good[2], bad[1], good[3], bad[2], good[4], good[5]].map((e) =>
        JSON.stringify(e),
      ),
    );

    const summary = ingestSummary(
      await runCli(['ingest', '--group', group, '--topics', topic, '--until-caught-up', '--json']),
    );
    expect(summary.stoppedBy).toBe('caught-up');
    const landed = await landedCounts(
      analyst,
      topic,
      [...good, ...bad].map((e) => e.event_id),
    );
    expect(Object.fromEntries(landed)).toEqual(
      Object.fromEntries(good.map((e) => [e.event_id, 1])),
    );

    const letters = await deadLetters(topic, dlqBefore, key);
    expect(letters.map((l) => [JSON.parse(l.value!).event_id, l.code])).toEqual([
      [outOfRange.event_id, 'UNKNOWN_SCHEMA_VERSION'],
      [yearZero.event_id, '22008'],
      [nul.event_id, undefined],
    ]);
    expect(letters[0]!.reason).toMatch(
      /^unknown schema version 3000000000 of clickstream-page_view/,
    );
    expect(letters[1]!.reason).toMatch(/^PostgreSQL refused it: 22008 /);
    expect(letters[2]!.reason).toMatch(/^schema: payload\.page: must not contain U\+0000/);
    expect(summary.deadLetters).toBe(3);
    // The ledger the pipeline-health dashboard counts: the same three, codes and reasons.
    const ledger = await ledgerOf(topic, letters);
    expect(ledger.map((r) => [r.consumer_group, r.code, r.reason])).toEqual(
      letters.map((l) => [group, l.code ?? null, l.reason]),
    );
  }, 120_000);
});
