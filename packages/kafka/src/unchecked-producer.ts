import kafkajs from 'kafkajs';
import type { IHeaders, Producer } from 'kafkajs';
import type { KafkaConnection } from './create-kafka.js';
import { createKafka } from './create-kafka.js';

// kafkajs is CommonJS: Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;

/** A record as it goes on the wire: no schema, no validation. */
export interface UncheckedRecord {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: IHeaders;
}

/**
 * Sends bytes as they are, bypassing the event schemas: for drills, fuzzing and tests that must
 * put poison on a topic, which {@link EventProducer} refuses to do. Idempotent with acks=all, so
 * a send retried after a leader moved cannot write a record twice and break a count.
 *
 * @example
 * ```ts
 * const producer = await UncheckedProducer.connect(connectionFromConfig(loadConfig()));
 * await producer.send('order-events', [{ key: 'k', value: '{"not json' }]);
 * await producer.disconnect();
 * ```
 */
export class UncheckedProducer {
  private constructor(private readonly producer: Producer) {}

  static async connect(connection: KafkaConnection): Promise<UncheckedProducer> {
    const producer = createKafka(connection).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Retries bounded by the caller's timeout: kafkajs warns that fewer break idempotence.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    await producer.connect();
    return new UncheckedProducer(producer);
  }

  /** Sends the records in one request per partition, in order, and waits for every replica. */
  async send(topic: string, records: readonly UncheckedRecord[]): Promise<void> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key ?? null,
        value: r.value,
        ...(r.headers ? { headers: r.headers } : {}),
      })),
    });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
