import type { DataparkConfig } from '@datapark/config';
import type { TopicName } from '@datapark/events';
import { connectionFromConfig, EventProducer } from '@datapark/kafka';
import type { GeneratedEvent } from '../shop-simulation.js';
import type { BatchingOptions } from './batching-sink.js';
import { BatchingSink } from './batching-sink.js';

export interface KafkaSinkOptions extends BatchingOptions {
  readonly compression: 'gzip' | 'none';
}

/**
 * The typed, idempotent producer of @datapark/kafka (acks=all), one batch in flight per topic:
 * a key's events stay in order, and the four topics are sent concurrently.
 */
export class KafkaSink extends BatchingSink {
  readonly name = 'kafka' as const;
  protected override readonly lanesAreTopics = true;
  private open = true;

  private constructor(
    private readonly producer: EventProducer,
    options: KafkaSinkOptions,
  ) {
    super(options);
  }

  /** Connects the producer; fails fast (with the platform hint) when Kafka is not there. */
  static async connect(config: DataparkConfig, options: KafkaSinkOptions): Promise<KafkaSink> {
    const producer = await EventProducer.connect(connectionFromConfig(config, 'event-generator'), {
      compression: options.compression,
    });
    return new KafkaSink(producer, options);
  }

  get connected(): boolean {
    return this.open;
  }

  protected laneOf(event: GeneratedEvent): string {
    return event.topic;
  }

  protected async sendBatch(lane: string, events: readonly GeneratedEvent[]): Promise<void> {
    await this.producer.send(
      lane as TopicName,
      events.map((e) => e.event),
    );
  }

  protected async disconnect(): Promise<void> {
    this.open = false;
    await this.producer.disconnect();
  }
}
