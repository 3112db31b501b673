import kafkajs from 'kafkajs';
import type { Consumer, Producer } from 'kafkajs';
import type { EventOf, TopicName } from '@datapark/events';
import type { KafkaConnection } from './create-kafka.js';
import { createKafka } from './create-kafka.js';
import { sendToDeadLetters } from './dead-letters.js';
import type { RecordPosition } from './decode-record.js';
import { decodeRecord } from './decode-record.js';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;

export interface EventConsumerOptions<T extends TopicName> {
  readonly groupId: string;
  readonly topics: readonly T[];
  /** Where a new group starts: the oldest record (default) or only new ones. */
  readonly fromBeginning?: boolean;
  /** Called for every valid event, in partition order; the offset is committed after it resolves. */
  readonly eachEvent: (event: EventOf<T>, position: RecordPosition) => Promise<void>;
  /** Called after a record went to the DLQ. */
  readonly onDeadLetter?: (reason: string, position: RecordPosition) => void;
}

export interface RunningConsumer {
  readonly consumer: Consumer;
  stop(): Promise<void>;
}

/**
 * Consumes catalog topics, validating every record: valid events go to `eachEvent`, invalid ones
 * (not JSON, wrong schema) to the topic's DLQ with the reason, and consumption goes on.
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
  const kafka = createKafka({
    ...connection,
    clientId: connection.clientId ?? `datapark-${options.groupId}`,
  });
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  const dlq: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  await Promise.all([consumer.connect(), dlq.connect()]);
  await consumer.subscribe({
    topics: [...options.topics],
    fromBeginning: options.fromBeginning ?? true,
  });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const decoded = decodeRecord(topic as T, partition, message);
      if (decoded.ok) {
        await options.eachEvent(decoded.event, decoded.position);
      } else {
        await sendToDeadLetters(dlq, topic as T, decoded);
        options.onDeadLetter?.(decoded.reason, decoded.position);
      }
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
