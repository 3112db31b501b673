import kafkajs from 'kafkajs';
import type { Producer, RecordMetadata } from 'kafkajs';
import type { EventOf, TopicName } from '@datapark/events';
import { keyOf, TOPIC_CATALOG } from '@datapark/events';
import type { KafkaConnection } from './create-kafka.js';
import { createKafka } from './create-kafka.js';
import { EventValidationError } from './errors.js';
import { HEADERS, JSON_CONTENT_TYPE } from './headers.js';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { CompressionTypes, Partitioners } = kafkajs;

export interface EventProducerOptions {
  /**
   * gzip (default; Node's zlib, nothing native to install) or none. JSON events shrink to about
   * a third; `none` trades disk and network for CPU.
   */
  readonly compression?: 'gzip' | 'none';
}

/**
 * Sends events to their topics, typed by the catalog: `send('clickstream', [orderPlaced])` does
 * not compile. Each event is validated first (an invalid one throws {@link EventValidationError}
 * and nothing of the batch is sent), keyed by its topic's key field, and written idempotently
 * with acks=all.
 *
 * @example
 * ```ts
 * const producer = await EventProducer.connect(connectionFromConfig(loadConfig()));
 * await producer.send('order-events', [orderPlaced]);
 * await producer.disconnect();
 * ```
 */
export class EventProducer {
  private constructor(
    private readonly producer: Producer,
    private readonly compression: 'gzip' | 'none',
  ) {}

  static async connect(
    connection: KafkaConnection,
    options: EventProducerOptions = {},
  ): Promise<EventProducer> {
    const producer = createKafka({
      ...connection,
      clientId: connection.clientId ?? 'datapark-producer',
    }).producer({
      idempotent: true,
      // Idempotence keeps order and drops retried duplicates only with one request in flight.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2, as the Java client: Spark and kafka-console tools agree on a key's partition.
      createPartitioner: Partitioners.DefaultPartitioner,
      // An idempotent producer must not give up: a send retried by the caller after a give-up
      // would carry a new sequence number and could land twice. A broker down is waited out.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    await producer.connect();
    return new EventProducer(producer, options.compression ?? 'gzip');
  }

  /** Validates, then sends the events of one topic in one batch; resolves when all are acknowledged. */
  async send<T extends TopicName>(
    topic: T,
    events: readonly EventOf<T>[],
  ): Promise<RecordMetadata[]> {
    if (events.length === 0) return [];
    const schema = TOPIC_CATALOG[topic].schema;
    const messages = events.map((event, index) => {
      const checked = schema.safeParse(event);
      if (!checked.success) throw new EventValidationError(topic, index, checked.error.issues);
      return {
        key: keyOf(topic, event),
        value: JSON.stringify(event),
        headers: {
          [HEADERS.eventType]: event.event_type,
          [HEADERS.eventId]: event.event_id,
          [HEADERS.schemaVersion]: String(event.schema_version),
          [HEADERS.contentType]: JSON_CONTENT_TYPE,
        },
      };
    });
    return this.producer.send({
      topic,
      acks: -1,
      compression: this.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      messages,
    });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
