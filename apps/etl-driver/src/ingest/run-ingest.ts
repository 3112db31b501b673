import { setTimeout as sleep } from 'node:timers/promises';
import type { DataparkConfig } from '@datapark/config';
import { createPool, withPoolClient } from '@datapark/db';
import type { TopicName } from '@datapark/events';
import { TOPIC_NAMES } from '@datapark/events';
import type { BatchControl, PartitionBatch, PartitionWatermarks } from '@datapark/kafka';
import {
  BatchAbandoned,
  connectionFromConfig,
  consumeBatches,
  settleWithin,
  WatermarkReader,
} from '@datapark/kafka';
import { unreachable } from '../platform/require-components.js';
import type { PartitionKey } from './consumer-offsets.js';
import { initializeOffsets, partitionKey, readStoredOffsets } from './consumer-offsets.js';
import type { IngestProgress } from './ingest-progress.js';
import { landBatch } from './land-batch.js';
import { backoffMs, isTransientPgError } from './transient-errors.js';

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
  /** Called after each batch committed (its rows, dead letters and offset in one transaction). */
  readonly onBatch?: (batch: LandedBatch) => void;
  /** Lines worth a human's attention (rebalances, retries, gaps). */
  readonly log?: (line: string) => void;
  /** Aborting stops ingest gracefully: the batch in flight commits or rolls back whole. */
  readonly signal?: AbortSignal;
}

/** One committed batch of one partition, for metrics. */
export interface LandedBatch {
  readonly topic: TopicName;
  readonly partition: number;
  readonly rows: number;
  readonly deadLetters: number;
  readonly skipped: number;
  /** The records' key and value bytes as fetched from Kafka. */
  readonly bytes: number;
  /** From handing the batch to PostgreSQL to its commit, retries included. */
  readonly seconds: number;
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
  const connection = connectionFromConfig(config, `datapark-etl-${group}`);
  let watermarks: WatermarkReader | undefined;

  const next = new Map<PartitionKey, bigint>();
  const ends = new Map<PartitionKey, bigint>();
  let targets: Map<PartitionKey, bigint> | undefined;
  let rows = 0;
  let deadLetters = 0;
  let skipped = 0;
  let firstFetchAt: number | undefined;
  let lastCommitAt: number | undefined;
  let postgresDownSince: number | undefined;
  let stoppedBy: IngestSummary['stoppedBy'] = 'signal';
  // Aborted when ingest is caught up or asked to stop: the consumer then leaves its group.
  const stop = new AbortController();
  const finish = (reason: IngestSummary['stoppedBy']) => {
    if (!stop.signal.aborted) stoppedBy = reason;
    stop.abort();
  };
  const onAbort = () => finish('signal');
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
        if (stop.signal.aborted) throw new BatchAbandoned(`${what}: ingest is stopping`);
      }
    }
  }

  async function landWithRetry(
    batch: PartitionBatch<TopicName>,
    control: BatchControl<TopicName>,
  ): Promise<void> {
    const { topic, partition } = batch;
    const key = partitionKey(topic, partition);
    ends.set(key, batch.highWatermark);
    const startedAt = performance.now();
    let acceptGap = false;
    for (;;) {
      const result = await withPostgres(
        `${topic}[${partition}]`,
        () =>
          withPoolClient(
            pool,
            (client) =>
              landBatch(client, {
                group,
                topic,
                partition,
                messages: batch.records,
                acceptGap,
                sendDeadLetter: (letter) => control.deadLetter(letter),
              }),
            // A client whose connection broke must not go back to the pool.
            { breaksConnection: isTransientPgError },
          ),
        // Keep our membership while waiting, and give up the batch if the group moved on.
        () => control.stillOurs(),
      );
      if (result.kind === 'gap') {
        if (await goneByRetention(topic, partition, result.stored, batch.firstOffset)) {
          acceptGap = true;
          continue;
        }
        // The fetch position ran ahead of what PostgreSQL holds: go back to the stored offset.
        log(
          `${topic}[${partition}]: fetched from ${batch.firstOffset}, stored ${result.stored}: seeking back`,
        );
        control.seek(result.stored);
        return;
      }
      rows += result.rows;
      deadLetters += result.deadLetters;
      skipped += result.skipped;
      lastCommitAt = Date.now();
      options.onBatch?.({
        topic,
        partition,
        rows: result.rows,
        deadLetters: result.deadLetters,
        skipped: result.skipped,
        bytes: batch.records.reduce(
          (sum, r) => sum + (r.value?.length ?? 0) + (r.key?.length ?? 0),
          0,
        ),
        seconds: (performance.now() - startedAt) / 1000,
      });
      const known = next.get(key);
      if (known === undefined || result.nextOffset > known) next.set(key, result.nextOffset);
      if (options.untilCaughtUp && caughtUp()) finish('caught-up');
      return;
    }
  }

  /** Whether the records between `stored` and the batch are gone from Kafka (retention). */
  async function goneByRetention(topic: string, partition: number, stored: bigint, first: bigint) {
    const [marks] = (await watermarks!.read([topic])).filter((w) => w.partition === partition);
    if (!marks || stored >= marks.low) return false;
    log(
      `${topic}[${partition}]: records ${stored}..${marks.low - 1n} were deleted by retention ` +
        `before this group read them; continuing at ${first}`,
    );
    return true;
  }

  /** Seeks every newly assigned partition to the offset PostgreSQL stores for the group. */
  async function seekToStored(
    assignment: ReadonlyMap<TopicName, readonly number[]>,
    seek: (topic: TopicName, partition: number, offset: bigint) => void,
  ): Promise<void> {
    const stored = await withPostgres('reading stored offsets', () =>
      readStoredOffsets(pool, group, [...assignment.keys()]),
    );
    for (const [topic, partitions] of assignment) {
      for (const partition of partitions) {
        const offset = stored.get(partitionKey(topic, partition));
        if (offset !== undefined) seek(topic, partition, offset);
      }
    }
  }

  let progressTimer: NodeJS.Timeout | undefined;
  let fatal: Error | undefined;
  try {
    watermarks = await WatermarkReader.connect(connection);
    const start: PartitionWatermarks[] = await watermarks.read(topics);
    await withPostgres('initializing offsets', () =>
      initializeOffsets(pool, group, start, options.start ?? 'earliest'),
    );
    for (const [key, offset] of await readStoredOffsets(pool, group, topics)) next.set(key, offset);
    for (const w of start) ends.set(partitionKey(w.topic, w.partition), w.high);
    if (options.untilCaughtUp) {
      targets = new Map(start.map((w) => [partitionKey(w.topic, w.partition), w.high]));
      if (caughtUp()) finish('caught-up');
    }

    let lastRows = 0;
    let lastTick = Date.now();
    const tick = async () => {
      try {
        for (const w of await watermarks!.read(topics))
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
      if (options.untilCaughtUp && caughtUp()) finish('caught-up');
    };
    const scheduleTick = () => {
      progressTimer = setTimeout(() => {
        void tick().then(() => {
          if (!stop.signal.aborted) scheduleTick();
        });
      }, options.progressIntervalMs ?? 2000);
    };

    if (!stop.signal.aborted) {
      scheduleTick();
      await consumeBatches({
        connection,
        groupId: group,
        topics,
        fromBeginning: (options.start ?? 'earliest') === 'earliest',
        maxBytesPerPartition: options.maxBytesPerPartition ?? 2 * 1024 * 1024,
        partitionsAtOnce: concurrency,
        onAssigned: seekToStored,
        eachBatch: async (batch, control) => {
          firstFetchAt ??= Date.now();
          await landWithRetry(batch, control);
        },
        log,
        signal: stop.signal,
      });
    }
  } catch (error) {
    fatal = error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(progressTimer);
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await settleWithin(
      watermarks?.disconnect(),
      5_000,
      'the Kafka admin client to disconnect',
      log,
    );
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
