import type { TopicName } from '@datapark/events';
import type { SinkName } from '../generator-config.js';
import type { GeneratedEvent } from '../shop-simulation.js';

/**
 * Where generated events go. A sink buffers and sends in batches; it counts an event as
 * acknowledged only once it is durable there (Kafka acks=all, a committed PostgreSQL
 * transaction, bytes handed to the file), so the counts are what a reader can find.
 */
export interface EventSink {
  readonly name: SinkName;
  /**
   * Takes one event. Returns a promise only when the caller should wait before the next
   * (the sink has too much unacknowledged work): backpressure without a promise per event.
   */
  write(event: GeneratedEvent): Promise<void> | undefined;
  /** Sends everything written so far and resolves when it is acknowledged or has failed. */
  flush(): Promise<void>;
  /** Flushes, then releases connections. */
  close(): Promise<void>;
  /** Events acknowledged, per topic. */
  readonly acknowledged: ReadonlyMap<TopicName, number>;
  /** Events that could not be delivered (counted, reported, never silently dropped). */
  readonly failed: number;
  readonly lastError: string | undefined;
  /** Connected to its service (readiness). */
  readonly connected: boolean;
}
