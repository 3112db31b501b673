import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import type { Batch, Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { DataparkConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import type { TopicName } from '@datapark/events';
import { TOPIC_NAMES } from '@datapark/events';
import { connectionFromConfig, createKafka, sendToDeadLetters } from '@datapark/kafka';
import { unreachable } from '../platform/require-components.js';
import type { PartitionKey, PartitionWatermarks } from './consumer-offsets.js';
import { initializeOffsets, partitionKey, readStoredOffsets } from './consumer-offsets.js';
import type { IngestProgress } from './ingest-progress.js';
import { landBatch } from './land-batch.js';
import { backoffMs, isTransientPgError } from './transient-errors.js';
import { fetchWatermarks } from './watermarks.js';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;

/** The consumer group `ingest` uses unless told otherwise. */
export const DEFAULT_INGEST_GROUP = 'datapark-ingest';

export interface IngestOptions {
  readonly config: DataparkConfig;
  /** Catalog topics to land; default: all four. */
  readonly topics?: readonly TopicName[];
  /** Consumer group: offsets are stored per group in `etl.consumer_offsets`. */
  readonly group?: string;
  /** Stop once every partition reached the end offset it had at start. */
  readonly untilCaughtUp?: boolean;
  /** Where a partition the group has no stored offset for starts. Default `earliest`. */
  readonly start?: 'earliest' | 'latest';
  /** Fetch size per partition (bytes): a batch, and so a transaction, is at most this big. */
  readonly maxBytesPerPartition?: number;
  /** Partitions landed at the same time, each on its own PostgreSQL connection. Default 3. */
  readonly concurrency?: number;
  /** How long PostgreSQL may stay unreachable before ingest gives up. Default 10 minutes. */
  readonly postgresOutageLimitMs?: number;
  readonly progressIntervalMs?: number;
  readonly onProgress?: (progress: IngestProgress) => void;
  /** Lines worth a human's attention (rebalances, retries, gaps). */
  readonly log?: (line: string) => void;
  /** Aborting stops ingest gracefully: the batch in flight commits or rolls back whole. */
  readonly signal?: AbortSignal;
}

export interface IngestSummary {
  readonly group: string;
  readonly rows: number;
  readonly deadLetters: number;
  readonly skipped: number;
  /** From the first batch fetched to the last commit. */
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly stoppedBy: 'caught-up' | 'signal';
  readonly lag: Readonly<Record<string, number>>;
}

/** Ingest stopped on something it cannot work around. */
export class IngestError extends Error {
  override readonly name = 'IngestError';
}

/**
 * Lands Kafka topics in `raw` exactly once into PostgreSQL: each partition's batch is copied in
 * one transaction together with the group's next offset in `etl.consumer_offsets` (see
 * {@link landBatch}), and on every assignment the consumer seeks to those stored offsets, never
 * to Kafka's committed ones. Invalid records go to `<topic>.dlq` with the reason in headers.
 * PostgreSQL going away is waited out with backoff; a rebalance or a kill loses nothing.
 *
 * @example
 * ```ts
 * const summary = await runIngest({ config: loadConfig(), group: 'demo', untilCaughtUp: true });
 * console.log(`${summary.rows} rows, ${summary.deadLetters} dead letters`);
 * ```
 */
export async function runIngest(options: IngestOptions): Promise<IngestSummary> {
  const { config } = options;
  const topics = [...(options.topics ?? TOPIC_NAMES)];
  const group = options.group ?? DEFAULT_INGEST_GROUP;
  const log = options.log ?? (() => undefined);
  const outageLimitMs = options.postgresOutageLimitMs ?? 10 * 60_000;
  const concurrency = options.concurrency ?? 3;

  // synchronous_commit=off: a commit returns before its WAL is flushed. A PostgreSQL crash can
  // then lose the last few commits, but each whole (rows and offset together), so ingest simply
  // reads those records from Kafka again: exactly-once holds, and a commit costs no fsync wait.
  // https://www.postgresql.org/docs/current/wal-async-commit.html
  const pool = createPool(config, 'ingest', {
    max: concurrency + 1,
    options: '-c synchronous_commit=off',
  });
  // Idle clients error out when the server restarts; the next checkout reconnects.
  pool.on('error', () => undefined);
  const kafka = createKafka(connectionFromConfig(config, `datapark-etl-${group}`));
  const admin = kafka.admin();
  let consumer: Consumer | undefined;
  let dlq: Producer | undefined;

  const next = new Map<PartitionKey, bigint>();
  const ends = new Map<PartitionKey, bigint>();
  let targets: Map<PartitionKey, bigint> | undefined;
  let rows = 0;
  let deadLetters = 0;
  let skipped = 0;
  let firstFetchAt: number | undefined;
  let lastCommitAt: number | undefined;
  let postgresDownSince: number | undefined;
  let stopping = false;
  let fatal: Error | undefined;
  let stoppedBy: IngestSummary['stoppedBy'] = 'signal';
  let wake: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (wake = resolve));
  const stop = (reason: IngestSummary['stoppedBy'] | Error) => {
    if (reason instanceof Error) fatal ??= reason;
    else if (!stopping) stoppedBy = reason;
    stopping = true;
    wake();
  };
  const onAbort = () => stop('signal');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const caughtUp = () =>
    targets !== undefined && [...targets].every(([key, end]) => (next.get(key) ?? 0n) >= end);
  const lagByTopic = () => {
    const lag: Record<string, number> = Object.fromEntries(topics.map((t) => [t, 0]));
    for (const [key, end] of ends) {
      const topic = key.slice(0, key.lastIndexOf(':'));
      const behind = end - (next.get(key) ?? 0n);
      if (behind > 0n) lag[topic] = (lag[topic] ?? 0) + Number(behind);
    }
    return lag;
  };

  /** Retries `fn` while PostgreSQL is unreachable or a concurrent writer raced us. */
  async function withPostgres<T>(what: string, fn: () => Promise<T>, beat?: () => Promise<void>) {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await fn();
        if (postgresDownSince !== undefined) {
          log(`PostgreSQL is back after ${((Date.now() - postgresDownSince) / 1000).toFixed(1)} s`);
          postgresDownSince = undefined;
        }
        return result;
      } catch (error) {
        if (!isTransientPgError(error)) throw error;
        const code = (error as { code?: string }).code;
        // A lost race (unique violation, deadlock) is retried at once, without an outage.
        if (code === '23505' || code === '40P01' || code === '40001') {
          if (attempt < 5) continue;
        }
        postgresDownSince ??= Date.now();
        if (Date.now() - postgresDownSince > outageLimitMs)
          throw unreachable(config, 'postgres', error);
        if (attempt === 0)
          log(`${what}: PostgreSQL connection lost (${(error as Error).message}); retrying`);
        await sleep(backoffMs(attempt, 5000));
        await beat?.();
        if (stopping) throw new StoppedError();
      }
    }
  }

  async function landWithRetry(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const topic = batch.topic as TopicName;
    const { partition } = batch;
    const key = partitionKey(topic, partition);
    ends.set(key, BigInt(batch.highWatermark));
    let acceptGap = false;
    for (;;) {
      const result = await withPostgres(
        `${topic}[${partition}]`,
        async () => {
          const client = await pool.connect();
          let broken: Error | undefined;
          // A checked-out client whose server goes away emits 'error' besides failing its query;
          // with no listener that event would end the process (pg-pool listens only while idle).
          const onError = (error: Error) => (broken ??= error);
          client.on('error', onError);
          try {
            return await landBatch(client, {
              group,
              topic,
              partition,
              messages: batch.messages,
              acceptGap,
              sendDeadLetter: (letter) => sendToDeadLetters(dlq!, topic, letter),
            });
          } catch (error) {
            if (isTransientPgError(error)) broken = asError(error);
            throw error;
          } finally {
            client.off('error', onError);
            // A client whose connection broke must not go back to the pool.
            client.release(broken);
          }
        },
        async () => {
          // Keep our membership while waiting, and give up the batch if the group moved on.
          await heartbeat().catch(() => undefined);
          if (!isRunning() || isStale()) throw new StoppedError();
        },
      );
      if (result.kind === 'gap') {
        if (await goneByRetention(topic, partition, result.stored, batch)) {
          acceptGap = true;
          continue;
        }
        // The fetch position ran ahead of what PostgreSQL holds: go back to the stored offset.
        log(
          `${topic}[${partition}]: fetched from ${batch.firstOffset()}, stored ${result.stored}: seeking back`,
        );
        consumer!.seek({ topic, partition, offset: String(result.stored) });
        return;
      }
      rows += result.rows;
      deadLetters += result.deadLetters;
      skipped += result.skipped;
      lastCommitAt = Date.now();
      const known = next.get(key);
      if (known === undefined || result.nextOffset > known) next.set(key, result.nextOffset);
      resolveOffset(batch.lastOffset());
      if (options.untilCaughtUp && caughtUp()) stop('caught-up');
      return;
    }
  }

  /** Whether the records between `stored` and the batch are gone from Kafka (retention). */
  async function goneByRetention(topic: string, partition: number, stored: bigint, batch: Batch) {
    const [watermarks] = (await fetchWatermarks(admin, [topic])).filter(
      (w) => w.partition === partition,
    );
    if (!watermarks || stored >= watermarks.low) return false;
    log(
      `${topic}[${partition}]: records ${stored}..${watermarks.low - 1n} were deleted by retention ` +
        `before this group read them; continuing at ${batch.firstOffset()}`,
    );
    return true;
  }

  /** Seeks every newly assigned partition to the offset PostgreSQL stores for the group. */
  async function seekToStored(assignment: Record<string, number[]>): Promise<void> {
    const stored = await withPostgres('reading stored offsets', () =>
      readStoredOffsets(pool, group, Object.keys(assignment)),
    );
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const offset = stored.get(partitionKey(topic, partition));
        if (offset !== undefined) consumer?.seek({ topic, partition, offset: String(offset) });
      }
    }
  }

  let progressTimer: NodeJS.Timeout | undefined;
  try {
    await admin.connect();
    const watermarks: PartitionWatermarks[] = await fetchWatermarks(admin, topics);
    await withPostgres('initializing offsets', () =>
      initializeOffsets(pool, group, watermarks, options.start ?? 'earliest'),
    );
    for (const [key, offset] of await readStoredOffsets(pool, group, topics)) next.set(key, offset);
    for (const w of watermarks) ends.set(partitionKey(w.topic, w.partition), w.high);
    if (options.untilCaughtUp) {
      targets = new Map(watermarks.map((w) => [partitionKey(w.topic, w.partition), w.high]));
      if (caughtUp()) stop('caught-up');
    }

    let lastRows = 0;
    let lastTick = Date.now();
    const tick = async () => {
      try {
        for (const w of await fetchWatermarks(admin, topics))
          ends.set(partitionKey(w.topic, w.partition), w.high);
        // Other members of the group move offsets too: PostgreSQL has the whole picture.
        for (const [key, offset] of await readStoredOffsets(pool, group, topics)) {
          if (offset > (next.get(key) ?? 0n)) next.set(key, offset);
        }
      } catch {
        // A progress line must never stop ingest; the next tick tries again.
      }
      const now = Date.now();
      options.onProgress?.({
        group,
        rows,
        deadLetters,
        skipped,
        rowsPerSecond: ((rows - lastRows) * 1000) / Math.max(1, now - lastTick),
        lag: lagByTopic(),
        ...(postgresDownSince !== undefined
          ? { postgresDownSeconds: (now - postgresDownSince) / 1000 }
          : {}),
      });
      lastRows = rows;
      lastTick = now;
      if (options.untilCaughtUp && caughtUp()) stop('caught-up');
    };
    const scheduleTick = () => {
      progressTimer = setTimeout(() => {
        void tick().then(() => {
          if (!stopping) scheduleTick();
        });
      }, options.progressIntervalMs ?? 2000);
    };

    if (!stopping) {
      consumer = kafka.consumer({
        groupId: group,
        allowAutoTopicCreation: false,
        maxBytesPerPartition: options.maxBytesPerPartition ?? 2 * 1024 * 1024,
        maxWaitTimeInMs: 500,
        sessionTimeout: 30_000,
        heartbeatInterval: 3000,
      });
      dlq = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
      });
      const c = consumer;
      c.on(c.events.GROUP_JOIN, (event) => {
        const assigned = Object.entries(event.payload.memberAssignment)
          .map(([t, ps]) => `${t} [${ps.join(',')}]`)
          .join(', ');
        log(`joined group ${group}: ${assigned || 'no partitions'}`);
        seekToStored(event.payload.memberAssignment).catch((error: unknown) => {
          if (!(error instanceof StoppedError)) stop(asError(error));
        });
      });
      c.on(c.events.CRASH, (event) => {
        if (!event.payload.restart)
          stop(
            new IngestError(`Kafka consumer crashed: ${event.payload.error.message}`, {
              cause: event.payload.error,
            }),
          );
        else log(`Kafka consumer restarting after: ${event.payload.error.message}`);
      });
      await Promise.all([c.connect(), dlq.connect()]);
      await c.subscribe({ topics, fromBeginning: (options.start ?? 'earliest') === 'earliest' });
      scheduleTick();
      await c.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: concurrency,
        eachBatch: async (payload) => {
          if (stopping || payload.batch.isEmpty()) return;
          firstFetchAt ??= Date.now();
          try {
            await landWithRetry(payload);
          } catch (error) {
            if (!(error instanceof StoppedError)) stop(asError(error));
          }
        },
      });
      await finished;
    }
  } catch (error) {
    fatal ??= asError(error);
  } finally {
    clearTimeout(progressTimer);
    options.signal?.removeEventListener('abort', onAbort);
    stopping = true;
    // disconnect() waits for the batch in flight: it commits or rolls back whole. kafkajs can
    // hang in disconnect when it comes mid-rebalance (tulios/kafkajs#1639); nothing depends on
    // it finishing, since the offsets live in PostgreSQL, so it gets a bounded wait.
    await settleWithin(
      consumer?.disconnect(),
      30_000,
      'the Kafka consumer to leave its group',
      log,
    );
    await settleWithin(dlq?.disconnect(), 5_000, 'the DLQ producer to disconnect', log);
    await settleWithin(admin.disconnect(), 5_000, 'the Kafka admin client to disconnect', log);
    await settleWithin(pool.end(), 5_000, 'the PostgreSQL pool to close', log);
  }
  if (fatal) throw fatal;
  const seconds =
    firstFetchAt !== undefined && lastCommitAt !== undefined
      ? Math.max(0.001, (lastCommitAt - firstFetchAt) / 1000)
      : 0;
  return {
    group,
    rows,
    deadLetters,
    skipped,
    seconds,
    rowsPerSecond: seconds > 0 ? rows / seconds : 0,
    stoppedBy,
    lag: lagByTopic(),
  };
}

/** Thrown inside a batch to abandon it: ingest is stopping or the partition was taken away. */
class StoppedError extends Error {}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Waits for `promise` at most `ms`; says so and moves on when it takes longer. Never throws. */
async function settleWithin(
  promise: Promise<unknown> | undefined,
  ms: number,
  what: string,
  log: (line: string) => void,
): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const outcome = await Promise.race([
    promise.then(
      () => 'done',
      () => 'done',
    ),
    timedOut,
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout')
    log(
      `gave up waiting ${ms / 1000} s for ${what}; nothing is lost (the offsets are in PostgreSQL)`,
    );
}
