import type { TopicName } from '@datapark/events';
import type { GeneratedEvent } from '../shop-simulation.js';
import type { EventSink } from './event-sink.js';

/**
 * Counts events and sends them nowhere: what the simulation alone costs (`--sink none`). It
 * keeps no event, so none lives long enough to burden the garbage collector.
 */
export class CountOnlySink implements EventSink {
  readonly name = 'none' as const;
  readonly connected = true;
  readonly failed = 0;
  readonly lastError = undefined;
  private readonly counts = new Map<TopicName, number>();

  get acknowledged(): ReadonlyMap<TopicName, number> {
    return this.counts;
  }

  write({ topic }: GeneratedEvent): undefined {
    this.counts.set(topic, (this.counts.get(topic) ?? 0) + 1);
    return undefined;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
