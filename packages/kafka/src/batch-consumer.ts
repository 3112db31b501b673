import type { KafkaMessage } from 'kafkajs';
import type { TopicName } from '@datapark/events';
import { topicSpec } from '@datapark/events';
import type { KafkaConnection } from './create-kafka.js';
import { createKafka } from './create-kafka.js';
import { sendToDeadLetters } from './dead-letters.js';
import type { DecodedRecord } from './decode-record.js';
import { KafkaConsumerCrashedError } from './errors.js';
import { settleWithin } from './settle-within.js';
import { UncheckedProducer } from './unchecked-producer.js';

/** A record as fetched: key, value and headers as bytes, offset as a string. */
export type KafkaRecord = KafkaMessage;

/** Consecutive records of one partition, oldest first. */
export interface PartitionBatch<T extends TopicName> {
  readonly topic: T;
  readonly partition: number;
  readonly records: readonly KafkaRecord[];
  readonly firstOffset: bigint;
  /** The partition's end offset when the batch was fetched. */
  readonly highWatermark: bigint;
}

/** Thrown inside a batch handler to drop the batch quietly: stopping, or the partition moved. */
export class BatchAbandoned extends Error {
  override readonly name = 'BatchAbandoned';
}

/** What a batch handler may do besides returning. */
export interface BatchControl<T extends TopicName> {
  /**
   * Keeps the group membership while the handler waits (a retry, an outage), and throws
   * {@link BatchAbandoned} once the consumer is stopping or the partition went to another member.
   */
  stillOurs(): Promise<void>;
  /**
   * Fetch this partition from `offset` next (e.g. back at an offset stored with the data). The
   * batch then does not count as processed.
   */
  seek(offset: bigint): void;
  /** Sends a record to `<topic>.dlq` with the reason in headers; resolves once all replicas have it. */
  deadLetter(failed: Extract<DecodedRecord<T>, { ok: false }>): Promise<void>;
}

export interface BatchConsumerOptions<T extends TopicName> {
  readonly connection: KafkaConnection;
  readonly groupId: string;
  readonly topics: readonly T[];
  /** Where a partition the group has no committed offset for starts. Default true. */
  readonly fromBeginning?: boolean;
  /** Fetch size per partition (bytes): a batch is at most about this big. Default 2 MiB. */
  readonly maxBytesPerPartition?: number;
  /** Partitions handled at the same time. Default 1. */
  readonly partitionsAtOnce?: number;
  /**
   * After each group join, with the partitions now assigned to this member: e.g. seek each to
   * an offset stored with the data, so Kafka's committed offsets are never trusted. A rejection
   * (other than {@link BatchAbandoned}) stops the consumer.
   */
  readonly onAssigned?: (
    assignment: ReadonlyMap<T, readonly number[]>,
    seek: (topic: T, partition: number, offset: bigint) => void,
  ) => Promise<void>;
  /**
   * One partition's batch. When it resolves the batch is processed and Kafka's committed offset
   * moves past it; when it throws, the consumer stops with that error, unless it is
   * {@link BatchAbandoned}.
   */
  readonly eachBatch: (batch: PartitionBatch<T>, control: BatchControl<T>) => Promise<void>;
  /** Lines worth a human's attention: joins, restarts, a slow disconnect. */
  readonly log?: (line: string) => void;
  /** Aborting stops consuming: the batch in flight finishes or is abandoned, then the group is left. */
  readonly signal: AbortSignal;
}

/**
 * Consumes catalog topics a partition batch at a time until `signal` aborts, with a DLQ
 * producer at hand (idempotent, acks=all) and heartbeats while a handler waits. Resolves once
 * stopped and disconnected; rejects with the first error a handler threw, the failure of
 * `onAssigned`, or a crash kafkajs does not restart from.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * await consumeBatches({
 *   connection, groupId: 'lander', topics: ['order-events'], signal: stop.signal,
 *   eachBatch: async (batch, control) => {
 *     for (const record of batch.records) {
 *       const decoded = decodeRecord(batch.topic, batch.partition, record);
 *       if (!decoded.ok) await control.deadLetter(decoded);
 *     }
 *   },
 * });
 * ```
 */
export async function consumeBatches<T extends TopicName>(
  options: BatchConsumerOptions<T>,
): Promise<void> {
  const { signal } = options;
  for (const topic of options.topics) topicSpec(topic); // UnknownTopicError before connecting
  if (signal.aborted) return;
  const log = options.log ?? (() => undefined);
  const kafka = createKafka(options.connection);
  let fatal: Error | undefined;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const fail = (error: unknown) => {
    if (!(error instanceof BatchAbandoned)) fatal ??= asError(error);
    wake();
  };
  signal.addEventListener('abort', wake, { once: true });
  const stopping = () => signal.aborted || fatal !== undefined;

  const consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 2 * 1024 * 1024,
    maxWaitTimeInMs: 500,
    sessionTimeout: 30_000,
    heartbeatInterval: 3000,
  });
  let dlq: UncheckedProducer | undefined;
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assigned = Object.entries(event.payload.memberAssignment);
    log(
      `joined group ${options.groupId}: ${
        assigned.map(([t, ps]) => `${t} [${ps.join(',')}]`).join(', ') || 'no partitions'
      }`,
    );
    const seek = (topic: T, partition: number, offset: bigint) =>
      consumer.seek({ topic, partition, offset: String(offset) });
    options.onAssigned?.(new Map(assigned) as Map<T, number[]>, seek).catch(fail);
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (event.payload.restart)
      log(`Kafka consumer restarting after: ${event.payload.error.message}`);
    else
      fail(
        new KafkaConsumerCrashedError(`Kafka consumer crashed: ${event.payload.error.message}`, {
          cause: event.payload.error,
        }),
      );
  });

  try {
    dlq = await UncheckedProducer.connect(options.connection);
    const deadLetters = dlq;
    await consumer.connect();
    await consumer.subscribe({
      topics: [...options.topics],
      fromBeginning: options.fromBeginning ?? true,
    });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsAtOnce ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (stopping() || batch.isEmpty()) return;
        const topic = batch.topic as T;
        let sought = false;
        const control: BatchControl<T> = {
          async stillOurs() {
            await heartbeat().catch(() => undefined);
            if (stopping() || !isRunning() || isStale())
              throw new BatchAbandoned(`${topic}[${batch.partition}]: batch abandoned`);
          },
          seek(offset) {
            sought = true;
            consumer.seek({ topic, partition: batch.partition, offset: String(offset) });
          },
          deadLetter: (failed) => sendToDeadLetters(deadLetters, topic, failed),
        };
        try {
          await options.eachBatch(
            {
              topic,
              partition: batch.partition,
              records: batch.messages,
              firstOffset: BigInt(batch.firstOffset() ?? '0'),
              highWatermark: BigInt(batch.highWatermark),
            },
            control,
          );
          if (!sought) resolveOffset(batch.lastOffset());
        } catch (error) {
          fail(error);
        }
      },
    });
    await stopped;
  } finally {
    signal.removeEventListener('abort', wake);
    // disconnect() waits for the batch in flight. kafkajs can hang in disconnect when it comes
    // mid-rebalance (tulios/kafkajs#1639): the coordinator drops a silent member after the
    // session timeout anyway, so it gets a bounded wait.
    await settleWithin(consumer.disconnect(), 30_000, 'the Kafka consumer to leave its group', log);
    if (dlq) await settleWithin(dlq.disconnect(), 5_000, 'the DLQ producer to disconnect', log);
  }
  if (fatal) throw fatal;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
