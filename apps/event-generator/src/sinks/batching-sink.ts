import type { TopicName } from '@datapark/events';
import type { SinkName } from '../generator-config.js';
import type { GeneratedEvent } from '../shop-simulation.js';
import type { EventSink } from './event-sink.js';

export interface BatchingOptions {
  /** Events per batch: a full batch is sent at once. */
  readonly batchSize: number;
  /** A partial batch is sent after this long (0: only full batches and flushes). */
  readonly lingerMs: number;
  /** Unacknowledged events above which `write` asks the caller to wait. */
  readonly maxPending: number;
  /** Called once per failed batch. */
  readonly onError?: (sink: SinkName, error: Error) => void;
}

/**
 * The buffering, ordering and counting every sink shares. Events are grouped into lanes (a
 * Kafka topic, or one lane for PostgreSQL, whose tables depend on each other); each lane sends
 * one batch at a time, in order, and lanes run concurrently. While a lane's batch is in flight
 * the next one fills, and goes as soon as the first is acknowledged, full or not (the round trip
 * was its linger). Batches stay at most `batchSize`: EventProducer's cost per event grows with
 * the batch beyond a few thousand.
 */
export abstract class BatchingSink implements EventSink {
  abstract readonly name: SinkName;
  abstract readonly connected: boolean;
  private readonly buffers = new Map<string, GeneratedEvent[]>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<string>();
  private readonly ackedByTopic = new Map<TopicName, number>();
  private waiters: (() => void)[] = [];
  private pending = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private failedCount = 0;
  private lastErrorText: string | undefined;

  protected constructor(private readonly batching: BatchingOptions) {}

  /**
   * The topic every event of a lane belongs to, when lanes never mix topics: such a batch is
   * counted at once instead of event by event.
   */
  protected topicOfLane(_lane: string): TopicName | undefined {
    return undefined;
  }

  /** The lane of an event: events of one lane are sent in the order written. */
  protected abstract laneOf(event: GeneratedEvent): string;
  /** Delivers one batch; resolves once it is durable. */
  protected abstract sendBatch(lane: string, events: readonly GeneratedEvent[]): Promise<void>;
  /** Releases connections (after the last flush). */
  protected abstract disconnect(): Promise<void>;

  get acknowledged(): ReadonlyMap<TopicName, number> {
    return this.ackedByTopic;
  }

  get failed(): number {
    return this.failedCount;
  }

  get lastError(): string | undefined {
    return this.lastErrorText;
  }

  write(event: GeneratedEvent): Promise<void> | undefined {
    const lane = this.laneOf(event);
    let buffer = this.buffers.get(lane);
    if (buffer === undefined) {
      buffer = [];
      this.buffers.set(lane, buffer);
    }
    buffer.push(event);
    this.pending++;
    if (this.inFlight.has(lane)) return this.backpressure();
    if (buffer.length >= this.batching.batchSize) this.dispatch(lane);
    else if (this.lingerTimer === undefined && this.batching.lingerMs > 0)
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        for (const l of this.buffers.keys()) if (!this.inFlight.has(l)) this.dispatch(l);
      }, this.batching.lingerMs);
    return this.backpressure();
  }

  private backpressure(): Promise<void> | undefined {
    if (this.pending < this.batching.maxPending) return undefined;
    // Full: partial batches of idle lanes go now, so there is always an acknowledgement to
    // wait for (otherwise quiet lanes holding part of the budget could stall the writer).
    for (const [lane, buffer] of this.buffers)
      if (buffer.length > 0 && !this.inFlight.has(lane)) this.dispatch(lane);
    if (this.inFlight.size === 0) return undefined;
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async flush(): Promise<void> {
    // A lane in flight sends what it buffered when acknowledged: wait until all are empty.
    for (;;) {
      for (const lane of this.buffers.keys()) if (!this.inFlight.has(lane)) this.dispatch(lane);
      if (this.inFlight.size === 0) return;
      await Promise.all(this.chains.values());
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    await this.flush();
    await this.disconnect();
  }

  private acknowledge(topic: TopicName, n: number): void {
    this.ackedByTopic.set(topic, (this.ackedByTopic.get(topic) ?? 0) + n);
  }

  private dispatch(lane: string): void {
    const buffer = this.buffers.get(lane);
    if (buffer === undefined || buffer.length === 0) return;
    const max = this.batching.batchSize;
    const events = buffer.length <= max ? buffer : buffer.splice(0, max);
    if (events === buffer) this.buffers.set(lane, []);
    this.inFlight.add(lane);
    const previous = this.chains.get(lane) ?? Promise.resolve();
    // Each link catches its own failure, so a lane's chain never rejects and later batches
    // still go out; the failure is counted and reported instead.
    const next = previous
      .then(() => this.sendBatch(lane, events))
      .then(
        () => {
          const topic = this.topicOfLane(lane);
          if (topic) this.acknowledge(topic, events.length);
          else for (const e of events) this.acknowledge(e.topic, 1);
        },
        (error: unknown) => {
          this.failedCount += events.length;
          const err = error instanceof Error ? error : new Error(String(error));
          this.lastErrorText = err.message;
          this.batching.onError?.(this.name, err);
        },
      )
      .finally(() => {
        this.inFlight.delete(lane);
        // What filled meanwhile has waited a round trip already: send it now.
        this.dispatch(lane);
        this.pending -= events.length;
        if (this.pending < this.batching.maxPending && this.waiters.length > 0) {
          const waiters = this.waiters;
          this.waiters = [];
          for (const wake of waiters) wake();
        }
      });
    this.chains.set(lane, next);
  }
}
