// bench:producer-clients — which Node Kafka client, called how, gets closest to the Java
// producer: the same 1 KiB records (valid clickstream events, keyed, with our four headers),
// acks=all, idempotent, no compression (BENCH_COMPRESSION=gzip for gzip), to a topic of its own per candidate (6 partitions,
// RF 3, min ISR 2: the catalog's clickstream), rounds alternated and printed, and the tuned
// ProducerPerformance in the same run. The records are encoded once up front, so the rates
// compare the clients, not our validation (which costs every candidate the same).
import kafkajs from 'kafkajs';
import type { Producer as KafkajsProducer } from 'kafkajs';
import { Producer as PlatformaticProducer, serializersFrom } from '@platformatic/kafka';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import type { EventOf } from '@datapark/events';
import { keyOf, sampleEvents } from '@datapark/events';
import { connectionFromConfig, createKafka, HEADERS, JSON_CONTENT_TYPE } from '@datapark/kafka';
import { runProducerPerformance, TUNED_JAVA_PRODUCER } from './producer-performance.js';
import { timed } from './report.js';
import { alternateRounds, describeRounds } from './rounds.js';

const { CompressionTypes, Partitioners } = kafkajs;

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
/** The caller: sends of BATCH records, CONCURRENCY at a time (as bench:producer and the generator). */
const BATCH = 500;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const PARTITIONS = 6;
/** Producers in a pool: partition p always goes through producer p % POOL. */
const POOL = Number(process.env['BENCH_POOL'] ?? PARTITIONS);
/** The most one lane puts in one request: under the broker's message.max.bytes (1 MiB). */
const LANE_MAX_BYTES = 768 * 1024;
const RECORD_BYTES = 1024;
const ONLY = process.env['BENCH_ONLY']?.split(',');
/** none (default, as bench:producer) or gzip (EventProducer's default), on every side. */
const COMPRESSION = process.env['BENCH_COMPRESSION'] === 'gzip' ? 'gzip' : 'none';

const config = loadConfig();
const connection = connectionFromConfig(config, 'bench-producer-clients');

interface Rec {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
  readonly partition: number;
  readonly bytes: number;
}

/** A candidate: connects, sends batches for the caller, disconnects. */
interface Client {
  send(topic: string, records: readonly Rec[]): Promise<void>;
  close(): Promise<void>;
}

function oneKibEvent(): EventOf<'clickstream'> {
  const event = sampleEvents.click({ page: '/' });
  const padding = RECORD_BYTES - Buffer.byteLength(JSON.stringify(event));
  return {
    ...event,
    payload: { ...event.payload, page: '/' + 'p'.repeat(padding) },
  } as EventOf<'clickstream'>;
}

const murmur2 = Partitioners.DefaultPartitioner();
function records(count: number): Rec[] {
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [],
    isr: [],
    partitionErrorCode: 0,
  }));
  return Array.from({ length: count }, () => {
    const event = oneKibEvent();
    const key = keyOf('clickstream', event);
    const value = JSON.stringify(event);
    const headers = {
      [HEADERS.eventType]: event.event_type,
      [HEADERS.eventId]: event.event_id,
      [HEADERS.schemaVersion]: String(event.schema_version),
      [HEADERS.contentType]: JSON_CONTENT_TYPE,
    };
    const partition = murmur2({ topic: 'x', partitionMetadata, message: { key, value } });
    return { key, value, headers, partition, bytes: value.length + key.length + 150 };
  });
}

function byPartition(records: readonly Rec[]): Map<number, Rec[]> {
  const groups = new Map<number, Rec[]>();
  for (const r of records) {
    const list = groups.get(r.partition);
    if (list) list.push(r);
    else groups.set(r.partition, [r]);
  }
  return groups;
}

/**
 * One lane per partition: one request in flight per partition; what callers add meanwhile is
 * merged into the next request (up to LANE_MAX_BYTES), as the Java client's accumulator does.
 */
class Lanes {
  private readonly lanes = new Map<
    string,
    { busy: boolean; queue: { records: readonly Rec[]; done: (e?: unknown) => void }[] }
  >();

  constructor(
    private readonly sendOne: (topic: string, partition: number, records: Rec[]) => Promise<void>,
  ) {}

  send(topic: string, records: readonly Rec[]): Promise<void> {
    return Promise.all(
      [...byPartition(records)].map(
        ([partition, list]) =>
          new Promise<void>((resolve, reject) => {
            const id = `${topic}\0${partition}`;
            let lane = this.lanes.get(id);
            if (!lane) this.lanes.set(id, (lane = { busy: false, queue: [] }));
            lane.queue.push({ records: list, done: (e) => (e ? reject(e) : resolve()) });
            this.pump(topic, partition, lane);
          }),
      ),
    ).then(() => undefined);
  }

  private pump(
    topic: string,
    partition: number,
    lane: { busy: boolean; queue: { records: readonly Rec[]; done: (e?: unknown) => void }[] },
  ): void {
    if (lane.busy || lane.queue.length === 0) return;
    const taken = [lane.queue.shift()!];
    let bytes = taken[0]!.records.reduce((n, r) => n + r.bytes, 0);
    while (lane.queue.length > 0) {
      const more = lane.queue[0]!.records.reduce((n, r) => n + r.bytes, 0);
      if (bytes + more > LANE_MAX_BYTES) break;
      taken.push(lane.queue.shift()!);
      bytes += more;
    }
    lane.busy = true;
    this.sendOne(
      topic,
      partition,
      taken.flatMap((t) => t.records),
    )
      .then(
        () => taken.forEach((t) => t.done()),
        (error: unknown) => taken.forEach((t) => t.done(error ?? new Error('send failed'))),
      )
      .finally(() => {
        // Free the lane, then send what queued up behind this request.
        lane.busy = false;
        this.pump(topic, partition, lane);
      });
  }
}

async function kafkajsProducer(clientId: string): Promise<KafkajsProducer> {
  const producer = createKafka({ ...connection, clientId }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  await producer.connect();
  return producer;
}

const kafkajsSend = (producer: KafkajsProducer, topic: string, records: readonly Rec[]) =>
  producer
    .send({
      topic,
      acks: -1,
      compression: COMPRESSION === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      messages: records.map((r) => ({
        key: r.key,
        value: r.value,
        headers: r.headers,
        partition: r.partition,
      })),
    })
    .then(() => undefined);

type Platformatic = PlatformaticProducer<string, string, string, string>;

async function platformaticProducer(clientId: string, topic: string): Promise<Platformatic> {
  const producer = new PlatformaticProducer({
    clientId,
    bootstrapBrokers: [...config.kafka.bootstrapServers],
    idempotent: true,
    acks: -1,
    compression: COMPRESSION,
    autocreateTopics: false,
    serializers: serializersFrom((data?: string) =>
      data === undefined ? undefined : Buffer.from(data),
    ),
  });
  // Connected, with metadata and a producer id, before the clock starts (as kafkajs's connect).
  await producer.metadata({ topics: [topic] });
  await producer.initIdempotentProducer({});
  return producer;
}

const platformaticSend = (producer: Platformatic, topic: string, records: readonly Rec[]) =>
  producer
    .send({
      messages: records.map((r) => ({
        topic,
        key: r.key,
        value: r.value,
        headers: r.headers,
        partition: r.partition,
      })),
    })
    .then(() => undefined);

async function pool<P>(make: (i: number) => Promise<P>): Promise<P[]> {
  return Promise.all(Array.from({ length: POOL }, (_, i) => make(i)));
}

interface Candidate {
  readonly slug: string;
  readonly name: string;
  connect(topic: string): Promise<Client>;
}

const CANDIDATES = (
  [
    {
      slug: 'kafkajs-now',
      name: 'kafkajs, 1 producer, a request per partition (EventProducer today)',
      async connect() {
        const p = await kafkajsProducer('bench-kafkajs-now');
        return {
          send: async (topic, records) => {
            await Promise.all(
              [...byPartition(records).values()].map((l) => kafkajsSend(p, topic, l)),
            );
          },
          close: () => p.disconnect(),
        };
      },
    },
    {
      slug: 'kafkajs-per-broker',
      name: 'kafkajs, 1 producer, one request per broker (the leader-move bug: not shippable)',
      async connect() {
        const p = await kafkajsProducer('bench-kafkajs-per-broker');
        return {
          send: (topic, records) => kafkajsSend(p, topic, records),
          close: () => p.disconnect(),
        };
      },
    },
    {
      slug: 'kafkajs-lanes',
      name: `kafkajs, ${POOL} producers, a lane per partition`,
      async connect() {
        const producers = await pool((i) => kafkajsProducer(`bench-kafkajs-lanes-${i}`));
        const lanes = new Lanes((topic, partition, records) =>
          kafkajsSend(producers[partition % POOL]!, topic, records),
        );
        return {
          send: (topic, records) => lanes.send(topic, records),
          close: async () => void (await Promise.all(producers.map((p) => p.disconnect()))),
        };
      },
    },
    {
      slug: 'platformatic-now',
      name: '@platformatic/kafka, 1 producer, a request per partition',
      async connect(topic) {
        const p = await platformaticProducer('bench-platformatic-now', topic);
        return {
          send: async (t, records) => {
            await Promise.all(
              [...byPartition(records).values()].map((l) => platformaticSend(p, t, l)),
            );
          },
          close: () => p.close(),
        };
      },
    },
    ...[1, POOL].map((size) => ({
      slug: `platformatic-lanes-${size}`,
      name: `@platformatic/kafka, ${size} producer${size > 1 ? 's' : ''}, a lane per partition`,
      async connect(topic: string): Promise<Client> {
        const producers = await Promise.all(
          Array.from({ length: size }, (_, i) =>
            platformaticProducer(`bench-platformatic-lanes-${i}`, topic),
          ),
        );
        const lanes = new Lanes((t, partition, records) =>
          platformaticSend(producers[partition % size]!, t, records),
        );
        return {
          send: (t, records) => lanes.send(t, records),
          close: async () => void (await Promise.all(producers.map((p) => p.close()))),
        };
      },
    })),
  ] satisfies Candidate[] as Candidate[]
).filter((c) => !ONLY || ONLY.includes(c.slug));

async function drive(client: Client, topic: string, all: readonly Rec[]): Promise<number> {
  let next = 0;
  return timed(() =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const start = next;
          next += BATCH;
          if (start >= all.length) return;
          await client.send(topic, all.slice(start, start + BATCH));
        }
      }),
    ),
  );
}

const topicOf = (slug: string) => `bench-producer-${slug}`;
const TOPICS = [...CANDIDATES.map((c) => topicOf(c.slug)), topicOf('java')];

const admin = createKafka(connection).admin();
await admin.connect();
const dir = mkdtempSync(join(tmpdir(), 'bench-producer-clients-'));
try {
  const existing = new Set(await admin.listTopics());
  const stale = TOPICS.filter((t) => existing.has(t));
  if (stale.length > 0) await admin.deleteTopics({ topics: stale });
  await admin.createTopics({
    waitForLeaders: true,
    topics: TOPICS.map((topic) => ({
      topic,
      numPartitions: PARTITIONS,
      replicationFactor: 3,
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    })),
  });
  const all = records(RECORDS);
  const payloadFile = join(dir, 'payloads.jsonl');
  writeFileSync(
    payloadFile,
    all
      .slice(0, 1000)
      .map((r) => r.value)
      .join('\n') + '\n',
  );
  process.stderr.write(
    `bench:producer-clients: ${RECORDS} records of ${RECORD_BYTES} B (keyed, 4 headers) per round, ` +
      `acks=all, idempotent, compression ${COMPRESSION}, ${PARTITIONS} partitions RF 3 min ISR 2, ` +
      `callers: ${CONCURRENCY} × sends of ${BATCH}; ${ROUNDS} rounds, alternated\n`,
  );
  const rounds = await alternateRounds(
    [
      ...CANDIDATES.map((c) => ({
        name: c.slug,
        run: async () => {
          const topic = topicOf(c.slug);
          const client = await c.connect(topic);
          try {
            const cpu = process.cpuUsage();
            const seconds = await drive(client, topic, all);
            const used = process.cpuUsage(cpu);
            const cpuSeconds = (used.user + used.system) / 1e6;
            return {
              rate: RECORDS / seconds,
              detail: `${seconds.toFixed(2)} s, Node CPU ${cpuSeconds.toFixed(2)} s`,
            };
          } finally {
            await client.close();
          }
        },
      })),
      {
        name: 'java',
        run: async () => {
          const ref = await runProducerPerformance({
            topic: topicOf('java'),
            records: RECORDS,
            payloadFile,
            bootstrapServers: config.kafka.bootstrapServers,
            extraProps: [...TUNED_JAVA_PRODUCER, `compression.type=${COMPRESSION}`],
          });
          return { rate: ref.recordsPerSec, detail: ref.line };
        },
      },
    ],
    ROUNDS,
    { unit: 'records/s' },
  );
  // Every candidate's topic holds every record of every round, once: nothing lost, no retry duplicated.
  for (const topic of TOPICS) {
    const offsets = await admin.fetchTopicOffsets(topic);
    const landed = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    if (landed !== RECORDS * ROUNDS)
      throw new Error(`${topic} holds ${landed} records, expected ${RECORDS * ROUNDS}`);
  }
  const java = rounds.median['java']!;
  process.stdout.write(`\nmedian records/s, and the ratio to the Java client in this run\n`);
  for (const c of [
    ...CANDIDATES,
    { slug: 'java', name: `ProducerPerformance, ${TUNED_JAVA_PRODUCER.join(' ')}` },
  ])
    process.stdout.write(
      `  ${c.name.padEnd(80)} ${describeRounds(rounds.rates[c.slug]!).padEnd(28)} ${(rounds.median[c.slug]! / java).toFixed(2)}x\n`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await admin.deleteTopics({ topics: TOPICS }).catch((error: unknown) => {
    process.stderr.write(`could not delete ${TOPICS.join(', ')}: ${String(error)}\n`);
  });
  await admin.disconnect();
}
