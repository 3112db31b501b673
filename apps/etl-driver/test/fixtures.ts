import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '@datapark/db';
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import type { EventOf, TopicName } from '@datapark/events';
import { sampleEvents, TOPIC_CATALOG } from '@datapark/events';
import type { PartitionOffsets } from '@datapark/kafka';
import {
  connectionFromConfig,
  fetchWatermarks,
  EventProducer,
  HEADERS,
  headerText,
  readRange,
  topicEndOffsets,
  UncheckedProducer,
} from '@datapark/kafka';
import { RAW_TABLE_OF, resetOffsets } from '../src/index.js';

/** The shared platform the test run started (PostgreSQL and Kafka at least). */
export const config = loadConfig();
export const connection = connectionFromConfig(config, 'etl-driver-tests');
export const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'apps', 'etl-driver', 'dist', 'cli.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A `datapark-etl` process started from the built CLI, as a user starts it. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  /** Everything written to stderr so far. */
  stderr(): string;
}

const children = new Set<ChildProcess>();

/** SIGKILLs every CLI process a test started and left running (a failed assertion skips its stop). */
export function killLeftovers(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, ['--no-warnings', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stderr: () => stderr };
}

/** The JSON summary line of `datapark-etl ingest --json`, after checking it exited 0. */
export function ingestSummary(result: CliResult) {
  expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({
    code: 0,
    stderr: '',
  });
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
    rows: number;
    deadLetters: number;
    skipped: number;
    stoppedBy: string;
  };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

const groups = new Set<string>();

/** Remembers a test's consumer group, so {@link forgetGroups} removes its stored offsets. */
export function trackGroup(group: string): string {
  groups.add(group);
  return group;
}

/** Deletes the stored offsets of every group this test file made: `report` stays readable. */
export async function forgetGroups(): Promise<void> {
  if (groups.size === 0) return;
  const db = createPool(config, 'ingest', { max: 1 });
  try {
    await db.query('DELETE FROM etl.consumer_offsets WHERE consumer_group = ANY($1)', [
      [...groups],
    ]);
    groups.clear();
  } finally {
    await db.end();
  }
}

/** A consumer group of its own, starting at the end of the topics now: it sees only what follows. */
export async function freshGroup(prefix: string, topics: readonly TopicName[]): Promise<string> {
  const group = trackGroup(`${prefix}-${randomUUID().slice(0, 8)}`);
  const pool = createPool(config, 'ingest', { max: 1 });
  try {
    await resetOffsets(pool, group, await fetchWatermarks(connection, topics), 'latest');
  } finally {
    await pool.end();
  }
  return group;
}

/** A pool as `role`, closed by the caller's afterAll. */
export function pool(role: 'ingest' | 'analyst' | 'owner' | 'generator' | 'spark_etl' | 'airflow') {
  const p = createPool(config, role, { max: 2 });
  p.on('error', () => undefined);
  return p;
}

/** `n` valid events of a topic, from @datapark/events' samples. */
export function validEvents<T extends TopicName>(topic: T, n: number): EventOf<T>[] {
  const make = {
    'customer-events': () => sampleEvents.customer(),
    'product-events': () => sampleEvents.product(),
    'order-events': () => sampleEvents.order(),
    clickstream: () => sampleEvents.click(),
  }[topic];
  return Array.from({ length: n }, () => make() as EventOf<T>);
}

let producer: EventProducer | undefined;

/** Sends valid events through the typed producer (validated, keyed, acks=all). */
export async function produce<T extends TopicName>(
  topic: T,
  events: readonly EventOf<T>[],
  perSend = 5000,
): Promise<void> {
  producer ??= await EventProducer.connect(connection, { compression: 'gzip' });
  for (let i = 0; i < events.length; i += perSend)
    await producer.send(topic, events.slice(i, i + perSend));
}

/**
 * Hand-made poison records the typed producer would refuse, all under one key: one that is not
 * JSON and one that is JSON but breaks the topic's schema.
 */
export async function producePoison(topic: TopicName, key: string): Promise<number> {
  const valid = validEvents(topic, 1)[0]!;
  await produceUnchecked(topic, key, [
    '{"not json',
    JSON.stringify({ ...valid, payload: { unexpected: true } }),
  ]);
  return 2;
}

/** Sends records as they are, bypassing validation, all under `key` (one partition, in order). */
export async function produceUnchecked(
  topic: TopicName,
  key: string,
  values: readonly string[],
): Promise<void> {
  const plain = await UncheckedProducer.connect(connection);
  try {
    await plain.send(
      topic,
      values.map((value) => ({ key, value })),
    );
  } finally {
    await plain.disconnect();
  }
}

export async function closeProducer(): Promise<void> {
  await producer?.disconnect();
  producer = undefined;
}

/**
 * The `ingest` and `analyst` pools of an ingest test file, with its clean-up registered: after
 * the file, CLIs still running are killed, the producer closed, the file's consumer groups
 * forgotten and the pools closed.
 */
export function ingestTestFile(): { ingestDb: Pool; analyst: Pool } {
  const ingestDb = pool('ingest');
  const analyst = pool('analyst');
  afterAll(async () => {
    killLeftovers();
    await closeProducer();
    await forgetGroups();
    await Promise.all([ingestDb.end(), analyst.end()]);
  });
  return { ingestDb, analyst };
}

/** How many times each event id landed in the topic's raw table. */
export async function landedCounts(
  db: Pool,
  topic: TopicName,
  eventIds: readonly string[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ event_id: string; n: number }>(
    `SELECT event_id, count(*)::int AS n FROM ${RAW_TABLE_OF[topic]}
      WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`,
    [eventIds],
  );
  return new Map(rows.map((r) => [r.event_id, r.n]));
}

/** One dead letter of a source position, as {@link deadLetters} reads it. */
export interface DeadLetterSeen {
  readonly key: string;
  readonly reason: string;
  readonly code?: string;
  readonly partition: number;
  readonly sourceOffset: string;
  readonly value?: string;
  /** How many times the DLQ holds it: more than 1 after a retried batch (the DLQ is at-least-once). */
  readonly copies: number;
}

/**
 * Dead letters of `topic` under `key` (or any of `key`s) written since `from`, one per source
 * position.
 */
export async function deadLetters(
  topic: TopicName,
  from: PartitionOffsets,
  key: string | ReadonlySet<string>,
): Promise<DeadLetterSeen[]> {
  const wanted = typeof key === 'string' ? new Set([key]) : key;
  const records = await readRange(connection, TOPIC_CATALOG[topic].dlq, from);
  const byPosition = new Map<string, DeadLetterSeen>();
  for (const { message } of records) {
    const messageKey = message.key?.toString();
    if (messageKey === undefined || !wanted.has(messageKey)) continue;
    const partition = Number(headerText(message.headers?.[HEADERS.dlqSourcePartition]));
    const sourceOffset = headerText(message.headers?.[HEADERS.dlqSourceOffset]) ?? '';
    const code = headerText(message.headers?.[HEADERS.dlqErrorCode]);
    const position = `${partition}:${sourceOffset}`;
    byPosition.set(position, {
      key: messageKey,
      reason: headerText(message.headers?.[HEADERS.dlqReason]) ?? '',
      ...(code === undefined ? {} : { code }),
      partition,
      sourceOffset,
      ...(message.value ? { value: message.value.toString() } : {}),
      copies: (byPosition.get(position)?.copies ?? 0) + 1,
    });
  }
  return [...byPosition.values()].sort(
    (a, b) => a.partition - b.partition || Number(a.sourceOffset) - Number(b.sourceOffset),
  );
}

export const endOffsets = (topic: string) => topicEndOffsets(connection, topic);

/** Polls until `probe` returns something, or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  intervalMs = 100,
  /** What to show when it times out, e.g. the stderr of the processes involved. */
  context?: () => string,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${what}${context ? `:\n${context()}` : ''}`);
    await sleep(intervalMs);
  }
}

/** Records a group has landed (or dead-lettered) since its offsets were set: Σ stored − start. */
export async function groupProgress(
  db: Pool,
  group: string,
  start: ReadonlyMap<string, bigint>,
): Promise<number> {
  const { rows } = await db.query<{ topic: string; partition: number; next_offset: string }>(
    'SELECT topic, partition, next_offset FROM etl.consumer_offsets WHERE consumer_group = $1',
    [group],
  );
  return rows.reduce(
    (sum, r) =>
      sum + Number(BigInt(r.next_offset) - (start.get(`${r.topic}:${r.partition}`) ?? 0n)),
    0,
  );
}

/** A group's stored offsets, as `topic:partition` → next offset. */
export async function storedOffsets(db: Pool, group: string): Promise<Map<string, bigint>> {
  const { rows } = await db.query<{ topic: string; partition: number; next_offset: string }>(
    'SELECT topic, partition, next_offset FROM etl.consumer_offsets WHERE consumer_group = $1',
    [group],
  );
  return new Map(rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.next_offset)]));
}
