// bench:ingest — `datapark-etl ingest` (Kafka → raw, exactly once: decode, validate, COPY, offsets
// in the same transaction) against `psql \copy` of the same rows into the same table, in the same
// run (target: ours ≥ 0.8x); then generator → raw latency p50/p99 at a paced 5k events/s.
// The ETL driver is an app, so it runs as its CLI, as a user runs it (and tools import only SDKs).
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import type { EventOf } from '@datapark/events';
import { sampleEvents } from '@datapark/events';
import { connectionFromConfig, EventProducer, topicEndOffsets } from '@datapark/kafka';
import { psqlAsOwner } from './psql.js';
import { printReport, timed } from './report.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 5_000);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 20);
const TOPIC = 'order-events';
const COLUMNS = [
  'event_id',
  'event_type',
  'schema_version',
  'occurred_at',
  'producer',
  'order_id',
  'payload',
  'kafka_topic',
  'kafka_partition',
  'kafka_offset',
];

const config = loadConfig();
const root = new URL('../../..', import.meta.url).pathname;
const cli = join(root, 'apps', 'etl-driver', 'dist', 'cli.js');
const owner = config.postgres.roles.owner;
if (!owner.password)
  throw new Error('start the platform first: npx nx run platform:up --only postgres,kafka');
const pool = createPool(config, 'owner', { max: 2 });
const run = randomUUID().slice(0, 8);

function etl(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--no-warnings', cli, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function etlOutput(args: string[]): Promise<string> {
  const child = etl(args);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`datapark-etl ${args.join(' ')} failed (${code}):\n${err}`);
  return out;
}

const psql = (command: string) => psqlAsOwner(config, command);

function orders(n: number, producer: string, occurredAt?: string): EventOf<'order-events'>[] {
  return Array.from({ length: n }, () => {
    const event = sampleEvents.order();
    return { ...event, producer, ...(occurredAt ? { occurred_at: occurredAt } : {}) };
  });
}

async function produceAll(producer: EventProducer, events: EventOf<'order-events'>[]) {
  for (let i = 0; i < events.length; i += 5000)
    await producer.send(TOPIC, events.slice(i, i + 5000));
}

/** Throughput: EVENTS order events, ingested by a fresh group until caught up. */
async function throughput(producer: EventProducer) {
  const group = `bench-ingest-${run}`;
  const tag = `bench-ingest-${run}`;
  await etlOutput(['offsets', 'reset', '--group', group, '--topics', TOPIC, '--to', 'latest']);
  process.stderr.write(`  producing ${EVENTS} ${TOPIC} events…\n`);
  await produceAll(producer, orders(EVENTS, tag));
  process.stderr.write('  datapark-etl ingest --until-caught-up…\n');
  let summary: { rows: number; seconds: number; rowsPerSecond: number } | undefined;
  const wall = await timed(async () => {
    const out = await etlOutput([
      'ingest',
      '--group',
      group,
      '--topics',
      TOPIC,
      '--until-caught-up',
      '--json',
    ]);
    summary = JSON.parse(out.trim().split('\n').at(-1)!);
  });

  // The reference: the same rows, exported from raw, loaded again by psql \copy.
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const file = join(dir, 'rows.tsv');
  const refTopic = `bench-ref-${run}`;
  try {
    const select = COLUMNS.map((c) => (c === 'kafka_topic' ? `'${refTopic}' AS kafka_topic` : c));
    psql(
      `\\copy (SELECT ${select.join(', ')} FROM raw.order_events WHERE producer = '${tag}') TO '${file}'`,
    );
    const refSeconds = await timed(async () =>
      psql(`\\copy raw.order_events (${COLUMNS.join(', ')}) FROM '${file}'`),
    );
    const { rows } = await pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM raw.order_events WHERE kafka_topic = $1',
      [refTopic],
    );
    return { group, summary: summary!, wall, refRows: Number(rows[0]!.n), refSeconds };
  } finally {
    await pool.query('DELETE FROM raw.order_events WHERE kafka_topic = $1', [refTopic]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Latency: events produced at RATE/s while ingest runs; landed (ingested_at) − produced. */
async function latency(producer: EventProducer) {
  const group = `bench-latency-${run}`;
  const tag = `bench-latency-${run}`;
  await etlOutput(['offsets', 'reset', '--group', group, '--topics', TOPIC, '--to', 'latest']);
  const child = etl(['ingest', '--group', group, '--topics', TOPIC, '--progress-interval', '5']);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  for (let i = 0; !/joined group/.test(err); i++) {
    if (i > 600) throw new Error(`ingest did not join its group:\n${err}`);
    await sleep(100);
  }
  await sleep(1000);
  process.stderr.write(
    `  producing at ${RATE} events/s for ${LATENCY_SECONDS} s while ingest runs…\n`,
  );
  const total = RATE * LATENCY_SECONDS;
  const started = Date.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE));
    if (due > sent) {
      // occurred_at = the moment the event is handed to the producer.
      await producer.send(TOPIC, orders(due - sent, tag, new Date().toISOString()));
      sent = due;
    } else await sleep(5);
  }
  const produceSeconds = (Date.now() - started) / 1000;
  const ends = await topicEndOffsets(connectionFromConfig(config), TOPIC);
  for (let i = 0; ; i++) {
    const { rows } = await pool.query<{ partition: number; next_offset: string }>(
      'SELECT partition, next_offset FROM etl.consumer_offsets WHERE consumer_group = $1',
      [group],
    );
    const done = [...ends].every(([p, end]) =>
      rows.some((r) => r.partition === p && BigInt(r.next_offset) >= BigInt(end)),
    );
    if (done) break;
    if (i > 1200) throw new Error(`ingest did not catch up:\n${err}`);
    await sleep(100);
  }
  child.kill('SIGINT');
  await closed;
  const { rows } = await pool.query<{ p50: number; p99: number; max: number; n: string }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max, count(*) AS n
       FROM (SELECT extract(epoch FROM ingested_at - occurred_at) * 1000 AS ms
               FROM raw.order_events WHERE producer = $1) l`,
    [tag],
  );
  await pool.query('DELETE FROM etl.consumer_offsets WHERE consumer_group = $1', [group]);
  return { rate: sent / produceSeconds, ...rows[0]! };
}

const producer = await EventProducer.connect(connectionFromConfig(config, 'bench-ingest'));
try {
  process.stderr.write(
    `bench:ingest: ${EVENTS} events into raw.order_events, then ${RATE}/s for ${LATENCY_SECONDS} s\n`,
  );
  const t = await throughput(producer);
  await pool.query('DELETE FROM etl.consumer_offsets WHERE consumer_group = $1', [t.group]);
  const l = await latency(producer);
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  printReport(
    {
      bench: 'ingest',
      ours: t.summary.rowsPerSecond,
      reference: t.refRows / t.refSeconds,
      unit: 'rows/s',
    },
    [
      ['events', `${EVENTS} order events (gzip in Kafka), 6 partitions`],
      ['ours', 'datapark-etl ingest: fetch, validate (zod), COPY + offsets per partition batch'],
      [
        'ours: rows landed',
        `${t.summary.rows} in ${t.summary.seconds.toFixed(2)} s (first fetch → last commit)`,
      ],
      ['ours: with start-up', `${t.wall.toFixed(1)} s wall (process start, group join)`],
      [
        'reference',
        `psql \\copy of the same ${t.refRows} rows from a file: ${t.refSeconds.toFixed(2)} s`,
      ],
      [
        'latency: produce rate',
        `${Math.round(l.rate)} events/s for ${LATENCY_SECONDS} s (${l.n} rows)`,
      ],
      [
        'latency p50 / p99 / max',
        `${fmt(l.p50)} / ${fmt(l.p99)} / ${fmt(l.max)} (occurred_at → ingested_at)`,
      ],
    ],
    0.8,
  );
} finally {
  await producer.disconnect();
  await pool.end();
}
