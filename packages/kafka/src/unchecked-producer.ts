import type { IHeaders } from 'kafkajs';
import type { KafkaConnection } from './create-kafka.js';
import { IdempotentProducer } from './idempotent-producer.js';

/** A record as it goes on the wire: no schema, no validation. */
export interface UncheckedRecord {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: IHeaders;
}

/**
 * Sends bytes as they are, bypassing the event schemas: for drills, fuzzing and tests that must
 * put poison on a topic, which {@link EventProducer} refuses to do; and the dead-letter queues'
 * producer. Idempotent with acks=all, so a send retried after a leader moved cannot write a
 * record twice and break a count.
 *
 * @example
 * ```ts
 * const producer = await UncheckedProducer.connect(connectionFromConfig(loadConfig()));
 * await producer.send('order-events', [{ key: 'k', value: '{"not json' }]);
 * await producer.disconnect();
 * ```
 */
export class UncheckedProducer {
  private constructor(private readonly producer: IdempotentProducer) {}

  static async connect(connection: KafkaConnection): Promise<UncheckedProducer> {
    return new UncheckedProducer(
      await IdempotentProducer.connect(connection, { clientId: 'datapark', compression: 'none' }),
    );
  }

  /** Sends the records (by key's murmur2 hash, as Java), in order per partition, and waits for every replica. */
  async send(topic: string, records: readonly UncheckedRecord[]): Promise<void> {
    await this.producer.send(
      topic,
      records.map((r) => ({
        key: r.key ?? null,
        value: r.value,
        ...(r.headers ? { headers: r.headers } : {}),
      })),
    );
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
