// bench:ingest — `datapark-etl ingest` (Kafka → raw, exactly once: decode, validate, COPY, offsets
// in the same transaction) against `psql \copy` of the same rows into the same table, in the same
// run (target: ours ≥ 0.8x). Like with like: both at synchronous_commit=off (ingest's setting),
// both timed over the loading alone (ours first fetch → last commit, psql's \timing of the
// \copy: no process start or connection on either side), rounds alternated and all printed.
// Then latency at a paced 5k events/s: from the hand-off to the producer until a reader polling
// raw every 50 ms sees the row, i.e. until it is committed (p50/p99).
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
import { psqlAsOwner, timedPsql } from './psql.js';
import { printReport } from './report.js';
import { alternateRounds, describeRounds } from './rounds.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 5_000);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 20);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
/** Extra arguments for every `datapark-etl ingest` (e.g. `--concurrency 6`), to compare settings. */
const INGEST_ARGS = (process.env['BENCH_INGEST_ARGS'] ?? '').split(' ').filter(Boolean);
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

/** Ours, one round: EVENTS fresh order events, landed by a fresh group until caught up. */
async function oursRound(producer: EventProducer, round: number) {
  const group = `bench-ingest-${run}-${round}`;
  const tag = `bench-ingest-${run}-${round}`;
  await etlOutput(['offsets', 'reset', '--group', group, '--topics', TOPIC, '--to', 'latest']);
  await produceAll(producer, orders(EVENTS, tag));
  const out = await etlOutput([
    'ingest',
    '--group',
    group,
    '--topics',
    TOPIC,
    '--until-caught-up',
    '--json',
    ...INGEST_ARGS,
  ]);
  await pool.query('DELETE FROM etl.consumer_offsets WHERE consumer_group = $1', [group]);
  const summary = JSON.parse(out.trim().split('\n').at(-1)!) as {
    rows: number;
    seconds: number;
    rowsPerSecond: number;
  };
  if (summary.rows !== EVENTS)
    throw new Error(`ingest landed ${summary.rows} rows of ${EVENTS}: ${out}`);
  tags.push(tag);
  return summary;
}

/** The reference, one round: the rows ours landed in its first round, loaded again by psql. */
async function referenceRound(round: number) {
  const refTopic = `bench-ref-${run}-${round}`;
  const file = join(dir, `rows-${round}.tsv`);
  const select = COLUMNS.map((c) => (c === 'kafka_topic' ? `'${refTopic}' AS kafka_topic` : c));
  psqlAsOwner(
    config,
    `\\copy (SELECT ${select.join(', ')} FROM raw.order_events WHERE producer = '${tags[0]}') TO '${file}'`,
  );
  try {
    const seconds = timedPsql(
      config,
      ['SET synchronous_commit = off'],
      `\\copy raw.order_events (${COLUMNS.join(', ')}) FROM '${file}'`,
    );
    const { rows } = await pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM raw.order_events WHERE kafka_topic = $1',
      [refTopic],
    );
    return { rows: Number(rows[0]!.n), seconds };
  } finally {
    await pool.query('DELETE FROM raw.order_events WHERE kafka_topic = $1', [refTopic]);
  }
}

/**
 * Latency: events produced at RATE/s while ingest runs, each stamped with the moment it is
 * handed to the producer; a reader polls raw every 50 ms, one cursor per partition (a
 * partition's rows commit in offset order), and takes the poll that first sees a row as the
 * moment it became visible. Resolution: the poll interval plus one query.
 */
async function latency(producer: EventProducer) {
  const group = `bench-latency-${run}`;
  const tag = `bench-latency-${run}`;
  await etlOutput(['offsets', 'reset', '--group', group, '--topics', TOPIC, '--to', 'latest']);
  const starts = await topicEndOffsets(connectionFromConfig(config), TOPIC);
  const cursor = new Map([...starts].map(([p, o]) => [p, BigInt(o)]));
  const child = etl([
    'ingest',
    '--group',
    group,
    '--topics',
    TOPIC,
    '--progress-interval',
    '5',
    ...INGEST_ARGS,
  ]);
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
  const latencies: number[] = [];
  let polling = true;
  let abandoned = false;
  const reader = (async () => {
    while (!abandoned && (polling || latencies.length < total)) {
      const { rows } = await pool.query<{
        p: number;
        o: string;
        occurred_at: Date;
        producer: string;
      }>(
        `SELECT r.kafka_partition AS p, r.kafka_offset AS o, r.occurred_at, r.producer
           FROM raw.order_events r
           JOIN unnest($2::int[], $3::bigint[]) AS c(p, o)
             ON r.kafka_partition = c.p AND r.kafka_offset >= c.o
          WHERE r.kafka_topic = $1`,
        [TOPIC, [...cursor.keys()], [...cursor.values()].map(String)],
      );
      const seen = Date.now();
      for (const row of rows) {
        if (row.producer === tag) latencies.push(seen - row.occurred_at.getTime());
        const next = BigInt(row.o) + 1n;
        if (next > (cursor.get(row.p) ?? 0n)) cursor.set(row.p, next);
      }
      await sleep(50);
    }
  })();
  const started = Date.now();
  let sent = 0;
  // Sends overlap, as the generator's do (EventProducer keeps each partition's order): awaiting
  // each one would hold back the events that fall due meanwhile and stamp them late, leaving
  // their wait out of the latency.
  const inFlight = new Set<Promise<unknown>>();
  const acked: number[] = [];
  let failure: unknown;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE));
    if (due > sent) {
      // occurred_at = the moment the event falls due and is handed to the producer.
      const handedOff = Date.now();
      const n = due - sent;
      const sending = producer.send(TOPIC, orders(n, tag, new Date(handedOff).toISOString()));
      inFlight.add(sending);
      void sending.then(
        () => {
          // The producer's part of the latency: hand-off → acknowledged by every replica in sync.
          for (let i = 0; i < n; i++) acked.push(Date.now() - handedOff);
          inFlight.delete(sending);
        },
        (error: unknown) => {
          failure ??= error;
          inFlight.delete(sending);
        },
      );
      sent = due;
      if (inFlight.size >= 256) await Promise.race(inFlight).catch(() => undefined);
    } else await sleep(5);
  }
  await Promise.allSettled(inFlight);
  if (failure) throw failure;
  const produceSeconds = (Date.now() - started) / 1000;
  polling = false;
  const deadline = Date.now() + 120_000;
  await Promise.race([
    reader,
    (async () => {
      while (Date.now() < deadline && latencies.length < total) await sleep(1000);
      if (latencies.length >= total) return;
      abandoned = true;
      throw new Error(`ingest did not land every event within 120 s:\n${err}`);
    })(),
  ]);
  child.kill('SIGINT');
  await closed;
  await pool.query('DELETE FROM etl.consumer_offsets WHERE consumer_group = $1', [group]);
  latencies.sort((a, b) => a - b);
  acked.sort((a, b) => a - b);
  const at = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
  return {
    rate: sent / produceSeconds,
    n: latencies.length,
    p50: at(latencies, 0.5),
    p99: at(latencies, 0.99),
    max: latencies.at(-1)!,
    ackedP50: at(acked, 0.5),
    ackedP99: at(acked, 0.99),
  };
}

const producer = await EventProducer.connect(connectionFromConfig(config, 'bench-ingest'));
const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
/** The producer tag of each of ours' rounds; the reference reloads the first round's rows. */
const tags: string[] = [];
try {
  process.stderr.write(
    `bench:ingest: ${EVENTS} events into raw.order_events, ${ROUNDS} rounds each, alternated; then ${RATE}/s for ${LATENCY_SECONDS} s\n`,
  );
  const rounds = await alternateRounds(
    [
      {
        name: 'datapark-etl ingest',
        run: async (round) => {
          const summary = await oursRound(producer, round);
          return {
            rate: summary.rowsPerSecond,
            detail: `${summary.rows} rows in ${summary.seconds.toFixed(2)} s, first fetch → last commit`,
          };
        },
      },
      {
        name: 'psql \\copy',
        run: async (round) => {
          if (tags.length === 0) await oursRound(producer, 0); // rows to reload
          const ref = await referenceRound(round);
          return {
            rate: ref.rows / ref.seconds,
            detail: `${ref.rows} rows in ${ref.seconds.toFixed(2)} s, \\timing of the \\copy`,
          };
        },
      },
    ],
    ROUNDS,
    { unit: 'rows/s' },
  );
  const l = await latency(producer);
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  const ours = rounds.rates['datapark-etl ingest']!;
  const ref = rounds.rates['psql \\copy']!;
  printReport(
    {
      bench: 'ingest',
      ours: rounds.median['datapark-etl ingest']!,
      reference: rounds.median['psql \\copy']!,
      unit: 'rows/s',
    },
    [
      ['events', `${EVENTS} order events per round (gzip in Kafka), 6 partitions`],
      ['ingest arguments', INGEST_ARGS.join(' ') || '(defaults)'],
      [
        'durability',
        'synchronous_commit=off on both sides (ingest runs so; see docs/etl-driver.md)',
      ],
      [
        'ours',
        `datapark-etl ingest: fetch, validate (zod), COPY + offsets per partition batch; first fetch → last commit; rounds ${describeRounds(ours)}`,
      ],
      [
        'reference',
        `psql \\copy of the same rows from a file, timed by \\timing (no start-up, no connection); rounds ${describeRounds(ref)}`,
      ],
      [
        'latency: produce rate',
        `${Math.round(l.rate)} events/s for ${LATENCY_SECONDS} s (${l.n} rows)`,
      ],
      [
        'latency p50 / p99 / max',
        `${fmt(l.p50)} / ${fmt(l.p99)} / ${fmt(l.max)} (hand-off to the producer → visible to a reader polling every 50 ms)`,
      ],
      [
        'of which the producer',
        `p50 ${fmt(l.ackedP50)}, p99 ${fmt(l.ackedP99)} (hand-off → acknowledged, acks=all)`,
      ],
    ],
    0.8,
  );
} finally {
  for (const tag of tags)
    await pool
      .query('DELETE FROM raw.order_events WHERE producer = $1', [tag])
      .catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  await producer.disconnect();
  await pool.end();
}
