import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import type { TopicName } from '@datapark/events';
import { buildEvent, sampleEvents, TOPIC_NAMES } from '@datapark/events';
import type { PartitionOffsets } from '@datapark/kafka';
import { connectionFromConfig, EventProducer, readRange, topicEndOffsets } from '@datapark/kafka';
import type { Lake } from '@datapark/lake';
import { openLake } from '@datapark/lake';
import type { SparkJobFailedError } from '@datapark/spark-client';
import { SparkHistoryClient, SparkRestClient } from '@datapark/spark-client';
import { waitFor as waitForValue } from './wait-for.js';

const config = loadConfig();
const connection = connectionFromConfig(config, 'kafka-bronze-test');
const spark = SparkRestClient.fromConfig(config);
const history = SparkHistoryClient.fromConfig(config);
const JOB = join(import.meta.dirname, '..', 'jobs', 'kafka_bronze.py');
// In the object store, through S3A (hadoop-aws on the Spark classpath): the job's default is
// s3a://<warehouse bucket>/checkpoints/kafka-bronze; the test's is a fresh one of its own.
const bucket = new URL(config.lake.warehouse).host;
const CHECKPOINT_KEY = `checkpoints/kafka-bronze-test-${randomUUID()}`;
const CHECKPOINT = `s3a://${bucket}/${CHECKPOINT_KEY}`;
const TABLE = 'lake.bronze.kafka_events';

let producer: EventProducer;
let lake: Lake;
let driver: string | undefined;
/** Where each topic ended when the test began: the job starts there, the truth counts from there. */
const start = new Map<TopicName, PartitionOffsets>();
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  const jars = config.spark.connectorJars;
  if (!jars || !existsSync(jars) || !readdirSync(jars).some((f) => f.startsWith('hadoop-aws-')))
    throw new Error(
      `no hadoop-aws jar in ${jars ?? 'spark.connectorJars'}: an s3a:// checkpoint needs it (bash tools/ci/maven.sh)`,
    );
  producer = await EventProducer.connect(connection, { compression: 'none' });
  for (const topic of TOPIC_NAMES) start.set(topic, await topicEndOffsets(connection, topic));
  lake = await openLake(config);
});

afterAll(async () => {
  if (driver) await spark.kill(driver).catch(() => undefined);
  await producer?.disconnect();
  lake?.close();
});

/** `n` valid events to each of the four topics. */
async function produce(n: number): Promise<void> {
  const times = Array.from({ length: n }, (_, i) => i);
  await producer.send(
    'customer-events',
    times.map(() => sampleEvents.customer()),
  );
  await producer.send(
    'product-events',
    times.map(() => sampleEvents.product()),
  );
  await producer.send(
    'order-events',
    times.map(() => sampleEvents.order()),
  );
  await producer.send(
    'clickstream',
    times.map(() =>
      buildEvent('clickstream', 'page_view', {
        session_id: randomUUID(),
        customer_id: null,
        page: '/bronze-test',
        referrer: null,
      }),
    ),
  );
}

type Positions = Map<TopicName, PartitionOffsets>;

/** Where every topic ends now: the truth is read up to there, and bronze compared up to there. */
async function endOffsets(): Promise<Positions> {
  const ends: Positions = new Map();
  for (const topic of TOPIC_NAMES) ends.set(topic, await topicEndOffsets(connection, topic));
  return ends;
}

/**
 * Every record Kafka holds from the test's start to `until`, by "topic/partition/offset": the
 * truth. Records others produce meanwhile (the event generator) land past `until` and are left
 * out on both sides.
 */
async function kafkaRecords(until: Positions): Promise<Map<string, string>> {
  const records = new Map<string, string>();
  for (const topic of TOPIC_NAMES)
    for (const { partition, message } of await readRange(connection, topic, start.get(topic)!, {
      until: until.get(topic)!,
    }))
      records.set(`${topic}/${partition}/${message.offset}`, message.value?.toString() ?? '');
  return records;
}

interface Archived {
  readonly position: string;
  readonly copies: number;
  readonly value: string;
}

/** What the bronze table holds from the test's start to `until`, read with DuckDB (@datapark/lake). */
async function archived(until: Positions): Promise<Archived[]> {
  await lake.refresh();
  if (!lake.tables.some((t) => t.qualifiedName === TABLE)) return [];
  const since = TOPIC_NAMES.flatMap((topic) =>
    [...start.get(topic)!].map(
      ([partition, offset]) =>
        `(topic = '${topic}' AND "partition" = ${partition} AND "offset" >= ${offset} ` +
        `AND "offset" < ${until.get(topic)!.get(partition) ?? offset})`,
    ),
  ).join(' OR ');
  const rows = await lake.query<{ position: string; copies: string; value: string }>(
    `SELECT topic || '/' || "partition" || '/' || "offset" AS position, count(*) AS copies,
            any_value(value) AS value
       FROM ${TABLE} WHERE day >= $1::DATE AND (${since}) GROUP BY ALL`,
    [today],
  );
  return rows.map((r) => ({ position: r.position, copies: Number(r.copies), value: r.value }));
}

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 420_000) =>
  waitForValue(what, probe, timeoutMs, 3000);

/** Waits until every record of the truth is in bronze; returns what bronze holds up to `until`. */
async function allLanded(truth: Map<string, string>, until: Positions): Promise<Archived[]> {
  return waitFor(`${truth.size} records in ${TABLE}`, async () => {
    const rows = await archived(until);
    const seen = new Set(rows.map((r) => r.position));
    return [...truth.keys()].every((p) => seen.has(p)) ? rows : undefined;
  });
}

async function startJob(): Promise<string> {
  const id = await spark.create(
    spark.pythonRequest({
      file: JOB,
      name: 'kafka-bronze-test',
      args: [
        '--checkpoint',
        CHECKPOINT,
        '--trigger-seconds',
        '3',
        // Used by the first start only: the restart resumes from the checkpoint's offsets.
        '--starting-offsets',
        JSON.stringify(
          Object.fromEntries(
            [...start].map(([topic, offsets]) => [topic, Object.fromEntries(offsets)]),
          ),
        ),
      ],
      env: { DATAPARK_STATE_DIR: config.stateDir },
    }),
  );
  await waitFor('the driver to run', async () =>
    (await spark.status(id)).driverState === 'RUNNING' ? true : undefined,
  );
  return id;
}

async function stopJob(id: string): Promise<void> {
  await spark.kill(id);
  const ended = await spark.waitFor(id, { timeoutMs: 120_000 }).catch((e: unknown) => e);
  expect((ended as SparkJobFailedError).driverState).toBe('KILLED');
}

describe('the bronze archive on the real cluster, Kafka to Iceberg in the object store', () => {
  it('archives every event topic, and after a kill and restart on its checkpoint holds each record exactly once', async () => {
    await produce(10);
    const startedAt = Date.now();
    driver = await startJob();
    let until = await endOffsets();
    let truth = await kafkaRecords(until);
    expect(truth.size).toBeGreaterThanOrEqual(40);
    await allLanded(truth, until);
    console.info(
      `kafka-bronze: ${truth.size} records landed ${((Date.now() - startedAt) / 1000).toFixed(0)} s after submitting`,
    );

    // Killed mid-stream; more events arrive while it is down; restarted on the same checkpoint.
    await stopJob(driver);
    driver = undefined;
    await produce(15);
    const restartedAt = Date.now();
    driver = await startJob();
    until = await endOffsets();
    truth = await kafkaRecords(until);
    expect(truth.size).toBeGreaterThanOrEqual(100);
    const rows = await allLanded(truth, until);
    console.info(
      `kafka-bronze: after the restart, ${truth.size} records in ${((Date.now() - restartedAt) / 1000).toFixed(0)} s`,
    );

    // Exactly once: every record Kafka holds since the start, once, with the value as it was
    // sent; nothing that Kafka does not hold.
    expect(rows.filter((r) => r.copies !== 1)).toEqual([]);
    expect(rows.map((r) => r.position).sort()).toEqual([...truth.keys()].sort());
    for (const row of rows)
      expect([row.position, row.value]).toEqual([row.position, truth.get(row.position)]);
    const byTopic = Object.fromEntries(
      TOPIC_NAMES.map((t) => [t, rows.filter((r) => r.position.startsWith(`${t}/`)).length]),
    );
    for (const topic of TOPIC_NAMES) expect([topic, byTopic[topic]! >= 25]).toEqual([topic, true]);

    // The checkpoint is in the object store: the offsets and commits of its micro-batches.
    const files = await lake.query<{ file: string }>(
      `SELECT file FROM glob('s3://${bucket}/${CHECKPOINT_KEY}/commits/*')`,
    );
    expect(files.length).toBeGreaterThan(0);

    const last = driver;
    await stopJob(driver);
    driver = undefined;

    // The store's keys (S3A's and S3FileIO's) and the catalog password reach neither the
    // driver's output nor the history server: Spark redacts them (spark.redaction.regex).
    const secrets = [
      config.s3.accessKeyId!,
      config.s3.secretAccessKey!,
      config.lake.catalogPassword!,
    ];
    const output = await spark.driverOutput(last);
    for (const secret of secrets)
      expect(`${output?.stdout ?? ''}${output?.stderr ?? ''}`).not.toContain(secret);
    const environment = await waitFor('the application in the history server', async () => {
      const app = (await history.applications({ limit: 30 })).find(
        (a) => a.name === 'kafka-bronze',
      );
      return app && (await history.environment(app.id));
    });
    const properties = Object.fromEntries(environment.sparkProperties);
    for (const key of ['fs.s3a.access.key', 'fs.s3a.secret.key'])
      expect([key, properties[`spark.hadoop.${key}`]]).toEqual([key, '*********(redacted)']);
    for (const secret of secrets) expect(JSON.stringify(environment)).not.toContain(secret);
  }, 1_200_000);
});
