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
 * share of a Kafka topic's keys, or one lane for PostgreSQL, whose tables depend on each other);
 * each lane hands its batches to `sendBatch` in the order written, and lanes run concurrently.
 *
 * A lane has up to `inFlightPerLane` batches unacknowledged at once. One (PostgreSQL, the dry
 * run): a batch goes only after the one before it is durable. More (Kafka): the next full batch
 * goes while earlier ones are still on their way, because EventProducer keeps each partition's
 * records in the order `send` was called, so a key's events stay in order without waiting. A
 * partial batch goes after `lingerMs`, or when its lane has nothing else in flight (it has waited
 * a round trip already), or on a flush. Batches stay at most `batchSize`: EventProducer's cost
 * per event grows with the batch beyond a few thousand. Everything unacknowledged, across lanes,
 * stays under `maxPending`: past it, `write` asks the caller to wait.
 */
export abstract class BatchingSink implements EventSink {
  abstract readonly name: SinkName;
  abstract readonly connected: boolean;
  private readonly buffers = new Map<string, GeneratedEvent[]>();
  /** Batches sent and not yet acknowledged (or failed), per lane. */
  private readonly inFlight = new Map<string, number>();
  private inFlightTotal = 0;
  private readonly unsettled = new Set<Promise<void>>();
  private readonly ackedByTopic = new Map<TopicName, number>();
  private waiters: (() => void)[] = [];
  private pending = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private failedCount = 0;
  private lastErrorText: string | undefined;
  private readonly inFlightPerLane: number;

  protected constructor(
    private readonly batching: BatchingOptions,
    options: {
      /**
       * Batches of one lane unacknowledged at once (default 1: each waits for the one before).
       * More only where `sendBatch` keeps the order of overlapping calls, as EventProducer does.
       */
      inFlightPerLane?: number;
    } = {},
  ) {
    this.inFlightPerLane = Math.max(1, options.inFlightPerLane ?? 1);
  }

  /**
   * The topic every event of a lane belongs to, when lanes never mix topics: such a batch is
   * counted at once instead of event by event.
   */
  protected topicOfLane(_lane: string): TopicName | undefined {
    return undefined;
  }

  /** The lane of an event: events of one lane are sent in the order written. */
  protected abstract laneOf(event: GeneratedEvent): string;
  /**
   * Delivers one batch; resolves once it is durable. Called for a lane's batches in the order
   * written; with `inFlightPerLane` above 1, before the previous call has resolved.
   */
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
    if (buffer.length >= this.batching.batchSize) this.dispatch(lane, 'full');
    else if (this.lingerTimer === undefined && this.batching.lingerMs > 0)
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        for (const l of this.buffers.keys()) this.dispatch(l, 'any');
      }, this.batching.lingerMs);
    return this.backpressure();
  }

  private backpressure(): Promise<void> | undefined {
    if (this.pending < this.batching.maxPending) return undefined;
    // Full: partial batches of lanes with room go now, so there is always an acknowledgement
    // to wait for (otherwise quiet lanes holding part of the budget could stall the writer).
    for (const lane of this.buffers.keys()) this.dispatch(lane, 'any');
    if (this.inFlightTotal === 0) return undefined;
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async flush(): Promise<void> {
    // An acknowledgement can leave events buffered behind it: wait until all are sent.
    for (;;) {
      for (const lane of this.buffers.keys()) this.dispatch(lane, 'any');
      if (this.inFlightTotal === 0) return;
      await Promise.all(this.unsettled);
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

  /**
   * Sends the lane's buffered events, a batch at a time, while the lane has room: full batches
   * only (`full`), partial ones too (`any`), or partial ones only when nothing of the lane is in
   * flight (`idle`: what an acknowledgement leaves behind).
   */
  private dispatch(lane: string, what: 'full' | 'any' | 'idle'): void {
    const buffer = this.buffers.get(lane);
    if (buffer === undefined) return;
    const max = this.batching.batchSize;
    for (;;) {
      const inFlight = this.inFlight.get(lane) ?? 0;
      if (buffer.length === 0 || inFlight >= this.inFlightPerLane) return;
      if (buffer.length < max && (what === 'full' || (what === 'idle' && inFlight > 0))) return;
      this.send(lane, buffer.splice(0, max));
    }
  }

  private send(lane: string, events: GeneratedEvent[]): void {
    this.inFlight.set(lane, (this.inFlight.get(lane) ?? 0) + 1);
    this.inFlightTotal++;
    // Each batch catches its own failure, so later batches still go out; the failure is
    // counted and reported instead.
    let sent: Promise<void>;
    try {
      sent = this.sendBatch(lane, events);
    } catch (error) {
      sent = Promise.reject(error);
    }
    const settled: Promise<void> = sent
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
        this.unsettled.delete(settled);
        this.inFlight.set(lane, this.inFlight.get(lane)! - 1);
        this.inFlightTotal--;
        this.pending -= events.length;
        // What filled meanwhile goes now: full batches, and a partial one if the lane would
        // otherwise sit idle (it has waited a round trip already).
        this.dispatch(lane, 'idle');
        if (this.pending < this.batching.maxPending && this.waiters.length > 0) {
          const waiters = this.waiters;
          this.waiters = [];
          for (const wake of waiters) wake();
        }
      });
    this.unsettled.add(settled);
  }
}
