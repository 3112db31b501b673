import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer } from 'kafkajs';
import type { EventOf, TopicName } from '@datapark/events';
import { topicSpec } from '@datapark/events';
import type { KafkaConnection } from './create-kafka.js';
import { createKafka } from './create-kafka.js';
import { sendToDeadLetters } from './dead-letters.js';
import type { RecordPosition } from './decode-record.js';
import { decodeRecord } from './decode-record.js';
import { UncheckedProducer } from './unchecked-producer.js';

export interface HandlerRetryPolicy {
  /** Tries after the first before the record is dead-lettered. Default 2. */
  readonly retries?: number;
  /** Wait before the first retry, doubling after each. Default 200 ms. */
  readonly initialBackoffMs?: number;
}

export interface EventConsumerOptions<T extends TopicName> {
  readonly groupId: string;
  readonly topics: readonly T[];
  /** Where a new group starts: the oldest record (default) or only new ones. */
  readonly fromBeginning?: boolean;
  /**
   * Called for every valid event, in partition order; the offset is committed after it resolves.
   * When it throws, it is called again as {@link handlerRetry} says; when it still throws, the
   * record goes to the DLQ with the error as the reason and consumption goes on.
   */
  readonly eachEvent: (event: EventOf<T>, position: RecordPosition) => Promise<void>;
  readonly handlerRetry?: HandlerRetryPolicy;
  /** Called after a record went to the DLQ. */
  readonly onDeadLetter?: (reason: string, position: RecordPosition) => void;
}

export interface RunningConsumer {
  readonly consumer: Consumer;
  stop(): Promise<void>;
}

/**
 * Consumes catalog topics, validating every record: valid events go to `eachEvent`, invalid ones
 * (not JSON, wrong schema) to the topic's DLQ with the reason, and consumption goes on. A handler
 * that keeps throwing is retried a bounded number of times, then its record is dead-lettered too:
 * one bad event never stops the partition behind it.
 *
 * @example
 * ```ts
 * const running = await runEventConsumer(connectionFromConfig(loadConfig()), {
 *   groupId: 'order-printer',
 *   topics: ['order-events'],
 *   eachEvent: async (event) => console.log(event.event_type, event.payload.order_id),
 * });
 * ```
 */
export async function runEventConsumer<T extends TopicName>(
  connection: KafkaConnection,
  options: EventConsumerOptions<T>,
): Promise<RunningConsumer> {
  for (const topic of options.topics) topicSpec(topic); // UnknownTopicError before connecting
  const kafka = createKafka({
    ...connection,
    clientId: connection.clientId ?? `datapark-${options.groupId}`,
  });
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  const retries = options.handlerRetry?.retries ?? 2;
  const initialBackoffMs = options.handlerRetry?.initialBackoffMs ?? 200;
  const dlq = await UncheckedProducer.connect({
    ...connection,
    clientId: connection.clientId ?? `datapark-${options.groupId}-dlq`,
  });
  try {
    await consumer.connect();
  } catch (error) {
    await dlq.disconnect();
    throw error;
  }
  await consumer.subscribe({
    topics: [...options.topics],
    fromBeginning: options.fromBeginning ?? true,
  });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const decoded = decodeRecord(topic as T, partition, message);
      let failure: { reason: string } | undefined;
      if (decoded.ok) {
        const error = await handleWithRetries(
          () => options.eachEvent(decoded.event, decoded.position),
          retries,
          initialBackoffMs,
        );
        if (error === undefined) return;
        failure = { reason: `handler failed ${retries + 1} times: ${describe(error)}` };
      } else failure = decoded;
      await sendToDeadLetters(dlq, topic as T, {
        ok: false,
        reason: failure.reason,
        position: decoded.position,
        message,
      });
      options.onDeadLetter?.(failure.reason, decoded.position);
    },
  });
  return {
    consumer,
    async stop() {
      await consumer.disconnect();
      await dlq.disconnect();
    },
  };
}

/** Runs `handle` up to `retries + 1` times; returns the last error, or undefined on success. */
async function handleWithRetries(
  handle: () => Promise<void>,
  retries: number,
  initialBackoffMs: number,
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      await handle();
      return undefined;
    } catch (error) {
      if (attempt >= retries) return error ?? new Error('handler threw undefined');
      await sleep(initialBackoffMs * 2 ** attempt);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
