import kafkajs from 'kafkajs';
import type { Admin, Message, Producer, RecordMetadata } from 'kafkajs';
import type { EventOf, TopicName } from '@datapark/events';
import { EventValidationError, keyOf, subjectName, topicSpec } from '@datapark/events';
import type { KafkaConnection } from './create-kafka.js';
import { createKafka } from './create-kafka.js';
import { HEADERS, JSON_CONTENT_TYPE } from './headers.js';
import { KafkaError } from './errors.js';

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
 * not compile, nor does a version-1 event where the caller's type asks for version 2
 * (`EventAt<'clickstream', 'page_view', 2>`). Each record carries its contract's subject and
 * version in headers. Each event is validated first (an invalid one throws {@link EventValidationError}
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
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionCounts = new Map<string, number>();

  private constructor(
    private readonly producer: Producer,
    private readonly admin: Admin,
    private readonly compression: 'gzip' | 'none',
  ) {}

  static async connect(
    connection: KafkaConnection,
    options: EventProducerOptions = {},
  ): Promise<EventProducer> {
    const kafka = createKafka({
      ...connection,
      clientId: connection.clientId ?? 'datapark-producer',
    });
    const producer = kafka.producer({
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
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    return new EventProducer(producer, admin, options.compression ?? 'gzip');
  }

  /**
   * Validates, then sends the events of one topic in one batch; resolves when all are
   * acknowledged. An unknown topic (from untyped code) throws {@link UnknownTopicError} naming
   * the known ones; an invalid event, {@link EventValidationError}; nothing is sent then.
   */
  async send<T extends TopicName>(
    topic: T,
    events: readonly EventOf<T>[],
  ): Promise<RecordMetadata[]> {
    const schema = topicSpec(topic).schema;
    if (events.length === 0) return [];
    const messages = events.map((event, index) => {
      const checked = schema.safeParse(event);
      if (!checked.success) throw new EventValidationError(topic, index, checked.error.issues);
      return {
        key: keyOf(topic, event),
        value: JSON.stringify(event),
        // Subject and version in headers: a consumer can route or refuse a record without
        // parsing its value (docs/contracts.md).
        headers: {
          [HEADERS.eventType]: event.event_type,
          [HEADERS.eventId]: event.event_id,
          [HEADERS.schemaSubject]: subjectName(topic, event.event_type),
          [HEADERS.schemaVersion]: String(event.schema_version),
          [HEADERS.contentType]: JSON_CONTENT_TYPE,
        },
      };
    });
    // One request per partition. kafkajs 2.2.4 sends a multi-partition batch as one request per
    // leader and, when a leader fails over to a broker that already answered for other
    // partitions of the same call, never resends the moved partitions yet resolves the call:
    // acknowledged records lost (seen here while stopping a broker; see sendMessages.js,
    // `brokersWithoutResponse`). With one partition per call there is only one leader to retry.
    const byPartition = new Map<number, Message[]>();
    const partitionMetadata = await this.partitionMetadata(topic);
    for (const message of messages) {
      const partition = this.partitioner({ topic, partitionMetadata, message });
      const list = byPartition.get(partition);
      if (list) list.push({ ...message, partition });
      else byPartition.set(partition, [{ ...message, partition }]);
    }
    const results = await Promise.all(
      [...byPartition.values()].map((partitionMessages) =>
        this.producer.send({
          topic,
          acks: -1,
          compression: this.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
          messages: partitionMessages,
        }),
      ),
    );
    return results.flat();
  }

  /** The topic's partitions as the partitioner wants them; the count is fetched once. */
  private async partitionMetadata(topic: string) {
    let count = this.partitionCounts.get(topic);
    if (count === undefined) {
      const metadata = await this.admin.fetchTopicMetadata({ topics: [topic] });
      count = metadata.topics[0]?.partitions.length ?? 0;
      if (count === 0)
        throw new KafkaError(`topic ${topic} has no partitions`, {
          code: 'TOPIC_MISSING',
          hint: 'is the platform up? npx nx run platform:up --only kafka',
        });
      this.partitionCounts.set(topic, count);
    }
    return Array.from({ length: count }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [],
      isr: [],
      partitionErrorCode: 0,
    }));
  }

  async disconnect(): Promise<void> {
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
