import type { DataparkConfig } from '@datapark/config';
import type { TopicName } from '@datapark/events';
import { keyOf, TOPIC_NAMES } from '@datapark/events';
import { connectionFromConfig, EventProducer } from '@datapark/kafka';
import type { GeneratedEvent } from '../shop-simulation.js';
import type { BatchingOptions } from './batching-sink.js';
import { BatchingSink } from './batching-sink.js';

export interface KafkaSinkOptions extends BatchingOptions {
  readonly compression: 'gzip' | 'none';
  /** Concurrent lanes per topic, each a fixed share of the keys (default 4). */
  readonly lanesPerTopic?: number;
}

/**
 * The typed, idempotent producer of @datapark/kafka (acks=all). Each topic's keys are split into
 * a few lanes by a hash of the key; a lane has one batch in flight, so a key's events stay in
 * order, while the lanes keep every broker busy: kafkajs serialises an idempotent producer's
 * requests per broker (one at a time, a lock held for the round trip), so with one batch per
 * topic the brokers idled while the next batch was validated and encoded.
 */
export class KafkaSink extends BatchingSink {
  readonly name = 'kafka' as const;
  private open = true;
  private readonly lanes: number;
  private readonly laneNames = new Map<TopicName, string[]>();

  private constructor(
    private readonly producer: EventProducer,
    options: KafkaSinkOptions,
  ) {
    super(options);
    this.lanes = Math.max(1, options.lanesPerTopic ?? 4);
    for (const topic of TOPIC_NAMES)
      this.laneNames.set(
        topic,
        Array.from({ length: this.lanes }, (_, i) => `${topic}#${i}`),
      );
  }

  /** Connects the producer; fails fast (with the platform hint) when Kafka is not there. */
  static async connect(config: DataparkConfig, options: KafkaSinkOptions): Promise<KafkaSink> {
    let producer: EventProducer;
    try {
      producer = await EventProducer.connect(connectionFromConfig(config, 'event-generator'), {
        compression: options.compression,
      });
    } catch (error) {
      throw new Error(
        `Kafka sink: cannot connect to ${config.kafka.bootstrapServers.join(',')} ` +
          `(${(error as Error).message}). Is the platform up (npx nx run platform:up --only kafka)?`,
        { cause: error },
      );
    }
    return new KafkaSink(producer, options);
  }

  get connected(): boolean {
    return this.open;
  }

  protected laneOf({ topic, event }: GeneratedEvent): string {
    // Keys are UUIDs: their last hex digit is as random as any hash of them.
    const key = keyOf(topic, event as never);
    return this.laneNames.get(topic)![parseInt(key[key.length - 1]!, 16) % this.lanes]!;
  }

  protected override topicOfLane(lane: string): TopicName {
    return lane.slice(0, lane.indexOf('#')) as TopicName;
  }

  protected async sendBatch(lane: string, events: readonly GeneratedEvent[]): Promise<void> {
    await this.producer.send(
      this.topicOfLane(lane),
      events.map((e) => e.event),
    );
  }

  protected async disconnect(): Promise<void> {
    this.open = false;
    await this.producer.disconnect();
  }
}
