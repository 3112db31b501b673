import type { DataparkConfig } from '@datapark/config';
import type { TopicName } from '@datapark/events';
import { keyOf, TOPIC_NAMES } from '@datapark/events';
import { connectionFromConfig, EventProducer } from '@datapark/kafka';
import type { GeneratedEvent } from '../shop-simulation.js';
import type { BatchingOptions } from './batching-sink.js';
import { BatchingSink } from './batching-sink.js';
import { GeneratorError } from '../generator-error.js';

export interface KafkaSinkOptions extends BatchingOptions {
  readonly compression: 'gzip' | 'none';
  /** Concurrent lanes per topic, each a fixed share of the keys (default 4). */
  readonly lanesPerTopic?: number;
}

/**
 * The typed, idempotent producers of @datapark/kafka (acks=all). Each topic's keys are split into
 * a few lanes by a hash of the key; a lane has one batch in flight, so a key's events stay in
 * order. Lane `i` of every topic sends through producer `i`: an idempotent producer of
 * @datapark/kafka has one request in flight per broker connection (kafkajs held a lock for the
 * whole round trip; @platformatic/kafka limits its connections to one), while Kafka's Java client
 * pipelines five. Several producers, each with its own producer id and sequence numbers,
 * pipeline safely: a key always goes through the same one, so its order and deduplication hold.
 */
export class KafkaSink extends BatchingSink {
  readonly name = 'kafka' as const;
  private open = true;
  private readonly lanes: number;
  private readonly laneNames = new Map<TopicName, string[]>();

  private constructor(
    private readonly producers: readonly EventProducer[],
    options: KafkaSinkOptions,
  ) {
    super(options);
    this.lanes = producers.length;
    for (const topic of TOPIC_NAMES)
      this.laneNames.set(
        topic,
        Array.from({ length: this.lanes }, (_, i) => `${topic}#${i}`),
      );
  }

  /** Connects the producers; fails fast (with the platform hint) when Kafka is not there. */
  static async connect(config: DataparkConfig, options: KafkaSinkOptions): Promise<KafkaSink> {
    const lanes = Math.max(1, options.lanesPerTopic ?? 4);
    const attempts = await Promise.allSettled(
      Array.from({ length: lanes }, (_, i) =>
        EventProducer.connect(connectionFromConfig(config, `event-generator-${i}`), {
          compression: options.compression,
        }),
      ),
    );
    const connected = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    const failure = attempts.find((a) => a.status === 'rejected');
    if (failure) {
      await Promise.allSettled(connected.map((p) => p.disconnect()));
      const error: unknown = failure.reason;
      throw new GeneratorError(
        `Kafka sink: cannot connect to ${config.kafka.bootstrapServers.join(',')} ` +
          `(${(error as Error).message}). Is the platform up (npx nx run platform:up --only kafka)?`,
        { code: 'SINK_UNREACHABLE', hint: 'npx nx run platform:up --only kafka', cause: error },
      );
    }
    return new KafkaSink(connected, options);
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
    const producer = this.producers[Number(lane.slice(lane.indexOf('#') + 1))]!;
    await producer.send(
      this.topicOfLane(lane),
      events.map((e) => e.event),
    );
  }

  protected async disconnect(): Promise<void> {
    this.open = false;
    await Promise.all(this.producers.map((p) => p.disconnect()));
  }
}
