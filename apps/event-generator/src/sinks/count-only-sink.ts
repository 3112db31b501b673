import type { GeneratedEvent } from '../shop-simulation.js';
import { BatchingSink } from './batching-sink.js';

/** Counts events and sends them nowhere: what the simulation alone costs (`--sink none`). */
export class CountOnlySink extends BatchingSink {
  readonly name = 'none' as const;
  readonly connected = true;

  constructor(batchSize: number) {
    super({ batchSize, lingerMs: 0, maxPending: Number.POSITIVE_INFINITY });
  }

  protected laneOf(): string {
    return 'all';
  }

  protected async sendBatch(_lane: string, _events: readonly GeneratedEvent[]): Promise<void> {}

  protected async disconnect(): Promise<void> {}
}
