import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { TopicName } from '@datapark/events';
import { TOPIC_CATALOG, TOPIC_NAMES } from '@datapark/events';
import type { PartitionOffsets } from '@datapark/kafka';
import { readRange, UncheckedProducer } from '@datapark/kafka';
import { RAW_TABLE_OF } from '../src/index.js';
import type { CliResult, DeadLetterSeen } from './fixtures.js';
import {
  connection,
  deadLetters,
  endOffsets,
  freshGroup,
  ingestSummary,
  ingestTestFile,
  landedCounts,
  runCli,
} from './fixtures.js';
import type { FuzzRecord } from './fuzz-records.js';
import { ENVELOPE_TEXT, fuzzRecords, seededRandom } from './fuzz-records.js';

const SEED = process.env.DATAPARK_FUZZ_SEED
  ? Number(process.env.DATAPARK_FUZZ_SEED)
  : randomInt(2 ** 31);
if (!Number.isSafeInteger(SEED))
  throw new Error(`DATAPARK_FUZZ_SEED must be an integer, not ${process.env.DATAPARK_FUZZ_SEED}`);
const RECORDS_PER_TOPIC = 300;
/** Per send: kafkajs puts a partition's records of one send in one batch, which must fit 1 MB. */
const MAX_SEND_BYTES = 512 * 1024;

const { analyst } = ingestTestFile();

/** What one topic got, and what came of it. */
interface TopicRun {
  readonly records: readonly FuzzRecord[];
  /** Where Kafka put each of our records, by key (more than one: the producer duplicated it). */
  readonly positions: ReadonlyMap<string, readonly string[]>;
  /** Dead letters under our keys, one per source position. */
  readonly letters: readonly DeadLetterSeen[];
  /** How often each valid event id is in `raw`. */
  readonly landed: ReadonlyMap<string, number>;
  /** How often the event ids of invalid records are in `raw`: never, when all is well. */
  readonly landedInvalid: ReadonlyMap<string, number>;
  /** `partition:offset` → event id of every `raw` row at one of our records' positions. */
  readonly rawAtOurPositions: ReadonlyMap<string, string>;
}

const runs = new Map<TopicName, TopicRun>();
let ingest: CliResult;

const positionOf = (run: TopicRun, record: FuzzRecord) =>
  run.positions.get(record.key)?.join(' and ') ?? 'not in Kafka';

function* sendChunks(records: readonly FuzzRecord[]): Generator<FuzzRecord[]> {
  let chunk: FuzzRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = record.value?.length ?? 0;
    if (chunk.length > 0 && bytes + size > MAX_SEND_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

/** Sends the records as they are: keyed (so they spread over partitions), acks=all, idempotent. */
async function produceRaw(topic: TopicName, records: readonly FuzzRecord[]): Promise<void> {
  // Idempotent: a retried send during a broker drill must not write a record twice.
  const producer = await UncheckedProducer.connect(connection);
  try {
    for (const chunk of sendChunks(records))
      await producer.send(
        topic,
        chunk.map((r) => ({ key: r.key, value: r.value })),
      );
  } finally {
    await producer.disconnect();
  }
}

async function observe(
  topic: TopicName,
  records: readonly FuzzRecord[],
  sourceFrom: PartitionOffsets,
  dlqFrom: PartitionOffsets,
): Promise<TopicRun> {
  const keys = new Set(records.map((r) => r.key));
  const [source, letters] = await Promise.all([
    readRange(connection, topic, sourceFrom),
    deadLetters(topic, dlqFrom, keys),
  ]);
  const positions = new Map<string, string[]>();
  for (const { partition, message } of source) {
    const key = message.key?.toString();
    if (key === undefined || !keys.has(key)) continue;
    positions.set(key, [...(positions.get(key) ?? []), `${partition}:${message.offset}`]);
  }
  const ours = [...positions.values()].flat().map((p) => p.split(':'));
  const { rows } = await analyst.query<{ position: string; event_id: string }>(
    `SELECT kafka_partition || ':' || kafka_offset AS position, event_id FROM ${RAW_TABLE_OF[topic]}
      WHERE kafka_topic = $1
        AND (kafka_partition, kafka_offset) IN (SELECT * FROM unnest($2::int[], $3::bigint[]))`,
    [topic, ours.map(([p]) => Number(p)), ours.map(([, o]) => o)],
  );
  const eventIds = (valid: boolean) =>
    records.flatMap((r) => (r.valid === valid && r.eventId ? [r.eventId] : []));
  return {
    records,
    positions,
    letters,
    landed: await landedCounts(analyst, topic, eventIds(true)),
    landedInvalid: await landedCounts(analyst, topic, eventIds(false)),
    rawAtOurPositions: new Map(rows.map((r) => [r.position, r.event_id])),
  };
}

describe(`datapark-etl ingest under fuzzed input (seed ${SEED}; DATAPARK_FUZZ_SEED=${SEED} repeats it)`, () => {
  beforeAll(async () => {
    const started = Date.now();
    const lap = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const random = seededRandom(SEED);
    const generated = new Map(
      TOPIC_NAMES.map((topic) => [topic, fuzzRecords(topic, random, RECORDS_PER_TOPIC)]),
    );
    const sourceFrom = new Map<TopicName, PartitionOffsets>();
    const dlqFrom = new Map<TopicName, PartitionOffsets>();
    for (const topic of TOPIC_NAMES) {
      sourceFrom.set(topic, await endOffsets(topic));
      dlqFrom.set(topic, await endOffsets(TOPIC_CATALOG[topic].dlq));
    }
    const group = await freshGroup('test-ingest-fuzz', TOPIC_NAMES);
    const timings = [`generated at ${lap()}`];

    await Promise.all([...generated].map(([topic, records]) => produceRaw(topic, records)));
    timings.push(`produced at ${lap()}`);
    ingest = await runCli(['ingest', '--group', group, '--until-caught-up', '--json']);
    timings.push(`ingested at ${lap()}`);
    const observed = await Promise.all(
      TOPIC_NAMES.map((topic) =>
        observe(topic, generated.get(topic)!, sourceFrom.get(topic)!, dlqFrom.get(topic)!),
      ),
    );
    TOPIC_NAMES.forEach((topic, i) => runs.set(topic, observed[i]!));
    timings.push(`read back at ${lap()}`);

    const table = TOPIC_NAMES.map((topic) => {
      const run = runs.get(topic)!;
      const valid = run.records.filter((r) => r.valid).length;
      return {
        topic,
        produced: run.records.length,
        valid,
        landed: run.landed.size,
        invalid: run.records.length - valid,
        'dead-lettered': run.letters.length,
        'DLQ copies': run.letters.reduce((n, l) => n + l.copies, 0),
        MB: +(run.records.reduce((n, r) => n + (r.value?.length ?? 0), 0) / 1e6).toFixed(2),
      };
    });
    console.log(
      `ingest fuzz, seed ${SEED}: ${timings.join(', ')}; ingest exited ${ingest.code}: ` +
        `${ingest.stdout.trim().split('\n').at(-1)}\n` +
        [
          Object.keys(table[0]!).join('\t'),
          ...table.map((row) => Object.values(row).join('\t')),
        ].join('\n'),
    );
  }, 300_000);

  it('ingest runs to the end of every topic and exits 0', () => {
    const summary = ingestSummary(ingest);
    expect(summary.stoppedBy).toBe('caught-up');
    const all = [...runs.values()].flatMap((r) => r.records);
    // Other producers may write to the topics meanwhile, so ours are a lower bound; and another
    // group's ingest (a drill's) may land our records first: this run then skips them, since
    // raw holds each Kafka position once.
    expect(summary.rows + summary.skipped).toBeGreaterThanOrEqual(
      all.filter((r) => r.valid).length,
    );
    expect(summary.deadLetters).toBeGreaterThanOrEqual(all.filter((r) => !r.valid).length);
  });

  it.each([...TOPIC_NAMES])(
    '%s: every valid event lands in raw exactly once, at its own Kafka position, and no invalid record does',
    (topic) => {
      const run = runs.get(topic)!;
      const valid = run.records.filter((r) => r.valid);
      expect(
        valid
          .filter((r) => run.landed.get(r.eventId) !== 1)
          .map((r) => ({
            kind: r.kind,
            eventId: r.eventId,
            landed: run.landed.get(r.eventId) ?? 0,
          })),
      ).toEqual([]);
      // By position: the rows at our records' positions are exactly the valid events.
      const expected = valid.map((r) => [positionOf(run, r), r.eventId]).sort();
      expect([...run.rawAtOurPositions].sort()).toEqual(expected);
      expect(Object.fromEntries(run.landedInvalid)).toEqual({});
    },
  );

  it.each([...TOPIC_NAMES])(
    '%s: hostile text comes back from PostgreSQL byte for byte, and each event whole',
    async (topic) => {
      const valid = runs.get(topic)!.records.flatMap((r) => (r.valid ? [r] : []));
      const fields = valid.flatMap((r) => r.hostile.map((h) => ({ record: r, ...h })));
      const { rows } = await analyst.query<{ n: string; bytes: Buffer | null }>(
        `SELECT q.n, convert_to(CASE WHEN q.field = $3 THEN r.producer ELSE r.payload ->> q.field END,
                                'UTF8') AS bytes
           FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS q (event_id, field, n)
           JOIN ${RAW_TABLE_OF[topic]} r USING (event_id)`,
        [fields.map((f) => f.record.eventId), fields.map((f) => f.field), ENVELOPE_TEXT],
      );
      const stored = new Map(rows.map((r) => [Number(r.n) - 1, r.bytes]));
      const mismatches = fields.flatMap(({ record, field, text }, i) => {
        const got = stored.get(i);
        return got?.equals(Buffer.from(text, 'utf8'))
          ? []
          : [
              {
                kind: record.kind,
                eventId: record.eventId,
                field,
                sent: JSON.stringify(text.slice(0, 80)),
                stored:
                  got === undefined ? 'no row' : JSON.stringify(got?.toString('utf8').slice(0, 80)),
              },
            ];
      });
      expect(mismatches).toEqual([]);
      // Each valid event carries hostile text in one field at least: none went unchecked.
      expect(new Set(fields.map((f) => f.record.eventId)).size).toBe(valid.length);

      // Every column of the envelope and the whole payload, as JSON gives them back.
      const events = await analyst.query<Record<string, unknown>>(
        `SELECT event_id, event_type, schema_version, producer, payload FROM ${RAW_TABLE_OF[topic]}
          WHERE event_id = ANY($1::uuid[])`,
        [valid.map((r) => r.eventId)],
      );
      const byId = new Map(events.rows.map((row) => [row.event_id, row]));
      const different = valid.flatMap((r) => {
        const { event_id, event_type, schema_version, producer, payload } = r.event;
        const sent: Record<string, unknown> = {
          event_id,
          event_type,
          schema_version,
          producer,
          payload,
        };
        const row = byId.get(r.eventId) ?? {};
        const columns = Object.keys(sent).filter((c) => !isDeepStrictEqual(row[c], sent[c]));
        return columns.length === 0 ? [] : [{ kind: r.kind, eventId: r.eventId, columns }];
      });
      expect(different).toEqual([]);
    },
  );

  it.each([...TOPIC_NAMES])(
    '%s: every invalid record is in the DLQ once per source position, unchanged, with its reason (schema:, not JSON, empty, SQLSTATE)',
    (topic) => {
      const run = runs.get(topic)!;
      const lettersByKey = new Map<string, DeadLetterSeen[]>();
      for (const letter of run.letters)
        lettersByKey.set(letter.key, [...(lettersByKey.get(letter.key) ?? []), letter]);
      const invalid = run.records.filter((r) => !r.valid);
      const seen = invalid.map((r) => ({
        kind: r.kind,
        key: r.key,
        letters: (lettersByKey.get(r.key) ?? []).map((l) => ({
          position: `${l.partition}:${l.sourceOffset}`,
          reason: l.reason,
          code: l.code,
          unchanged: (l.value ?? null) === (r.value?.toString('utf8') ?? null),
        })),
      }));
      const meant = invalid.map((r) => ({
        kind: r.kind,
        key: r.key,
        letters: [
          {
            position: positionOf(run, r),
            reason: expect.stringMatching(r.reason),
            code: r.code,
            unchanged: true,
          },
        ],
      }));
      expect(seen).toEqual(meant);
      // And no valid record was dead-lettered.
      expect(
        run.records.filter((r) => r.valid && lettersByKey.has(r.key)).map((r) => r.kind),
      ).toEqual([]);
    },
  );

  it.each([...TOPIC_NAMES])(
    '%s: each record is once in Kafka, and produced = landed + dead-lettered',
    (topic) => {
      const run = runs.get(topic)!;
      expect(
        run.records
          .filter((r) => run.positions.get(r.key)?.length !== 1)
          .map((r) => ({ kind: r.kind, key: r.key, positions: positionOf(run, r) })),
      ).toEqual([]);
      const landed = run.records.filter((r) => r.valid && run.landed.has(r.eventId)).length;
      const deadLettered = new Set(run.letters.map((l) => l.key)).size;
      expect({
        produced: run.records.length,
        'landed + dead-lettered': landed + deadLettered,
      }).toEqual({
        produced: RECORDS_PER_TOPIC,
        'landed + dead-lettered': RECORDS_PER_TOPIC,
      });
      // Every valid record landed: none of them is counted among the dead letters instead.
      expect(landed).toBe(run.records.filter((r) => r.valid).length);
    },
  );
});
