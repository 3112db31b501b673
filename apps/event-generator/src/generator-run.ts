import type { TopicName } from '@datapark/events';
import { TOPIC_NAMES } from '@datapark/events';
import type { GeneratorConfig } from './generator-config.js';
import type { GeneratedEvent, ShopSimulation } from './shop-simulation.js';
import type { EventSink } from './sinks/event-sink.js';
import { GeneratorError } from './generator-error.js';

export type RunState = 'idle' | 'running' | 'paused' | 'stopping' | 'finished';

/** What the run did: per-topic counts generated, and what each sink acknowledged. */
export interface RunTotals {
  readonly generated: Readonly<Record<TopicName, number>>;
  readonly acknowledged: Readonly<Record<string, Readonly<Record<TopicName, number>>>>;
  readonly failed: Readonly<Record<string, number>>;
  /** Realtime: events the schedule gave up on because the sinks could not keep up. */
  readonly shortfall: number;
  readonly seconds: number;
  /**
   * CPU time of the whole process (user + system, all threads) while it ran: on a shared
   * machine, events per CPU second say what one core does, whatever the neighbours take.
   */
  readonly cpuSeconds: number;
}

/** A snapshot for `GET /status`, the progress line and the metrics. */
export interface RunStatus {
  readonly state: RunState;
  readonly mode: GeneratorConfig['mode'];
  /** Realtime: the target; backfill: null (as fast as the sinks take it). */
  readonly targetEventsPerSecond: number | null;
  /** Over the last few seconds of running. */
  readonly reachedEventsPerSecond: number;
  /** Since the start, pauses excluded. */
  readonly averageEventsPerSecond: number;
  /** Realtime: events the schedule is ahead of what was emitted (at most a second's worth). */
  readonly lagEvents: number;
  /** Realtime: events the schedule gave up on because the sinks could not keep up. */
  readonly shortfallEvents: number;
  readonly generatedTotal: number;
  readonly generated: Readonly<Record<TopicName, number>>;
  readonly sinks: readonly {
    readonly name: string;
    readonly connected: boolean;
    readonly acknowledged: Readonly<Record<TopicName, number>>;
    readonly failed: number;
    readonly lastError: string | null;
  }[];
  /** Backfill: the period and how far the simulated clock got (0..1). */
  readonly backfill: {
    readonly from: string;
    readonly until: string;
    readonly progress: number;
  } | null;
  /** occurred_at of the latest event. */
  readonly latestEventAt: string | null;
  /** What the simulated shop holds in memory (each part bounded, see ShopSimulation.state). */
  readonly shop: ReturnType<ShopSimulation['state']>;
  readonly runningSeconds: number;
}

export interface RunOptions {
  readonly mode: GeneratorConfig['mode'];
  readonly eventsPerSecond: number;
  /** Stop after this many events. */
  readonly events?: number | undefined;
  /** Realtime: stop after this long. */
  readonly durationSeconds?: number | undefined;
  /** Backfill: the period; the simulation must start at `from`. */
  readonly backfill?: { readonly from: Date; readonly until: Date } | undefined;
}

// Realtime: never fall more than a second behind the schedule; beyond that the schedule is
// moved (and the shortfall counted) rather than catching up with a burst.
const MAX_LAG_SECONDS = 1;
// Events emitted between two yields to the event loop (HTTP requests, signals, acks).
const CHUNK = 2_048;
const RATE_WINDOW_SAMPLES = 5;

const zeroCounts = (): Record<TopicName, number> =>
  Object.fromEntries(TOPIC_NAMES.map((t) => [t, 0])) as Record<TopicName, number>;

/** The backfill period of `days` before `until` (default: now, start rounded down to the hour). */
export function backfillPeriod(
  config: Pick<GeneratorConfig, 'days' | 'until'>,
  now = new Date(),
): { from: Date; until: Date } {
  const until = config.until ? new Date(config.until) : now;
  let from = until.getTime() - config.days * 24 * 3_600_000;
  // Rounded to the hour, a restart with the same seed replays the same events into the
  // idempotent sinks instead of a shifted copy of them.
  if (!config.until) from -= from % 3_600_000;
  return { from: new Date(from), until };
}

/**
 * Drives a simulation into sinks: realtime (wall-clock timestamps, paced to a target rate
 * that can be changed while running, pausable) or backfill (a period of history as fast as the
 * sinks take it). `run()` resolves after the last event is acknowledged or failed.
 *
 * @example
 * ```ts
 * const run = new GeneratorRun(new ShopSimulation(config.simulation), sinks, {
 *   mode: 'realtime', eventsPerSecond: 200, durationSeconds: 10,
 * });
 * const totals = await run.run();
 * ```
 */
export class GeneratorRun {
  private stateValue: RunState = 'idle';
  private readonly generatedByTopic = zeroCounts();
  private total = 0;
  private rate: number;
  private anchorAt = 0;
  private anchorCount = 0;
  private shortfall = 0;
  private lastStamp = 0;
  private latest: string | null = null;
  private runningMs = 0;
  private runningSince: number | null = null;
  private cpuAtStart: NodeJS.CpuUsage | undefined;
  private cpuUsed: NodeJS.CpuUsage | undefined;
  private readonly samples: { at: number; count: number }[] = [];
  private sampler: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private stopRequested = false;

  constructor(
    private readonly simulation: ShopSimulation,
    private readonly sinks: readonly EventSink[],
    private readonly options: RunOptions,
  ) {
    this.rate = options.eventsPerSecond;
  }

  get state(): RunState {
    return this.stateValue;
  }

  /** Runs until done or stopped; flushes every sink before it resolves. Sinks stay open. */
  async run(): Promise<RunTotals> {
    if (this.stateValue !== 'idle')
      throw new GeneratorError('a GeneratorRun runs once', {
        code: 'RUN_ONCE',
        hint: 'create a new GeneratorRun for each run',
      });
    this.stateValue = 'running';
    this.runningSince = performance.now();
    this.cpuAtStart = process.cpuUsage();
    this.sampler = setInterval(() => this.sample(), 1_000);
    this.sampler.unref();
    this.sample();
    try {
      if (this.options.mode === 'realtime') await this.realtime();
      else await this.backfill();
    } finally {
      this.stateValue = 'stopping';
      clearInterval(this.sampler);
      // The clock stops after the flush: a run's seconds include the last acknowledgements,
      // so events/s never counts events acknowledged outside its window.
      try {
        await Promise.all(this.sinks.map((s) => s.flush()));
      } finally {
        this.pauseClock();
        this.cpuUsed = process.cpuUsage(this.cpuAtStart);
      }
      this.stateValue = 'finished';
    }
    return this.totals();
  }

  /** Stops emitting; what was emitted is still flushed. Idempotent. */
  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  pause(): void {
    if (this.stateValue !== 'running') return;
    this.stateValue = 'paused';
    this.pauseClock();
  }

  resume(): void {
    if (this.stateValue !== 'paused') return;
    this.stateValue = 'running';
    this.runningSince = performance.now();
    this.reanchor();
    this.wake?.();
  }

  /** Realtime: a new target rate, applied from now on (no burst to make up for the old one). */
  setRate(eventsPerSecond: number): void {
    if (!(eventsPerSecond > 0) || !Number.isFinite(eventsPerSecond))
      throw new RangeError(`eventsPerSecond: expected a number above 0, got ${eventsPerSecond}`);
    this.rate = eventsPerSecond;
    this.reanchor();
    this.wake?.();
  }

  status(): RunStatus {
    const now = performance.now();
    const running = this.runningSeconds(now);
    const backfill = this.options.backfill;
    const latestMs = this.latest ? Date.parse(this.latest) : NaN;
    return {
      state: this.stateValue,
      mode: this.options.mode,
      targetEventsPerSecond: this.options.mode === 'realtime' ? this.rate : null,
      reachedEventsPerSecond: this.reachedRate(now),
      averageEventsPerSecond: running > 0 ? this.total / running : 0,
      // Paused, nothing is due: the schedule starts again from the resume (see reanchor).
      lagEvents:
        this.options.mode === 'realtime' && this.stateValue === 'running'
          ? Math.max(0, this.due(now) - this.total)
          : 0,
      shortfallEvents: this.shortfall,
      generatedTotal: this.total,
      generated: { ...this.generatedByTopic },
      sinks: this.sinks.map((s) => ({
        name: s.name,
        connected: s.connected,
        acknowledged: { ...zeroCounts(), ...Object.fromEntries(s.acknowledged) },
        failed: s.failed,
        lastError: s.lastError ?? null,
      })),
      backfill: backfill
        ? {
            from: backfill.from.toISOString(),
            until: backfill.until.toISOString(),
            progress: Number.isNaN(latestMs)
              ? 0
              : Math.min(
                  1,
                  (latestMs - backfill.from.getTime()) /
                    (backfill.until.getTime() - backfill.from.getTime()),
                ),
          }
        : null,
      latestEventAt: this.latest,
      shop: this.simulation.state(),
      runningSeconds: running,
    };
  }

  totals(): RunTotals {
    return {
      generated: { ...this.generatedByTopic },
      acknowledged: Object.fromEntries(
        this.sinks.map((s) => [s.name, { ...zeroCounts(), ...Object.fromEntries(s.acknowledged) }]),
      ),
      failed: Object.fromEntries(this.sinks.map((s) => [s.name, s.failed])),
      shortfall: this.shortfall,
      seconds: this.runningSeconds(performance.now()),
      cpuSeconds: (() => {
        const used =
          this.cpuUsed ?? (this.cpuAtStart ? process.cpuUsage(this.cpuAtStart) : undefined);
        return used ? (used.user + used.system) / 1e6 : 0;
      })(),
    };
  }

  private async realtime(): Promise<void> {
    const deadline =
      this.options.durationSeconds === undefined
        ? Infinity
        : performance.now() + this.options.durationSeconds * 1000;
    this.reanchor();
    while (!this.finished()) {
      if (this.stateValue === 'paused') {
        await this.sleep(Infinity);
        continue;
      }
      const now = performance.now();
      if (now >= deadline) return;
      let behind = this.due(now) - this.total;
      if (behind > this.rate * MAX_LAG_SECONDS) {
        const excess = Math.floor(behind - this.rate * MAX_LAG_SECONDS);
        this.shortfall += excess;
        this.anchorCount -= excess;
        behind -= excess;
      }
      if (behind < 1) {
        // The next event is due in (1 - behind) / rate seconds.
        const next = ((1 - behind) / this.rate) * 1000;
        await this.sleep(Math.min(next, deadline - now));
        continue;
      }
      for (let n = Math.min(Math.floor(behind), CHUNK); n > 0 && !this.finished(); n--) {
        const wait = this.emit(this.restamp(this.simulation.next()));
        if (wait) await wait;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async backfill(): Promise<void> {
    const until = this.options.backfill?.until.getTime() ?? Infinity;
    while (!this.finished()) {
      if (this.stateValue === 'paused') {
        await this.sleep(Infinity);
        continue;
      }
      for (let n = CHUNK; n > 0 && !this.finished(); n--) {
        const event = this.simulation.next();
        if (this.simulation.clockMs >= until) return;
        const wait = this.emit(event);
        if (wait) await wait;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private emit(event: GeneratedEvent): Promise<unknown> | undefined {
    this.generatedByTopic[event.topic]++;
    this.total++;
    this.latest = event.event.occurred_at;
    if (this.sinks.length === 1) return this.sinks[0]!.write(event);
    let waits: Promise<void>[] | undefined;
    for (const sink of this.sinks) {
      const wait = sink.write(event);
      if (wait) (waits ??= []).push(wait);
    }
    return waits && Promise.all(waits);
  }

  /** Realtime: the event happens now (never before the previous one, whatever the clock does). */
  private restamp(generated: GeneratedEvent): GeneratedEvent {
    this.lastStamp = Math.max(this.lastStamp, Date.now());
    return {
      topic: generated.topic,
      event: { ...generated.event, occurred_at: new Date(this.lastStamp).toISOString() },
    } as GeneratedEvent;
  }

  private finished(): boolean {
    return (
      this.stopRequested || (this.options.events !== undefined && this.total >= this.options.events)
    );
  }

  /** Events the schedule asks for by `now`. */
  private due(now: number): number {
    return this.anchorCount + Math.floor(((now - this.anchorAt) / 1000) * this.rate);
  }

  private reanchor(): void {
    this.anchorAt = performance.now();
    this.anchorCount = this.total;
    this.restartRateWindow();
  }

  private pauseClock(): void {
    if (this.runningSince !== null) this.runningMs += performance.now() - this.runningSince;
    this.runningSince = null;
  }

  private runningSeconds(now: number): number {
    return (this.runningMs + (this.runningSince === null ? 0 : now - this.runningSince)) / 1000;
  }

  /** The reached rate restarts its window when the pace changes. */
  private restartRateWindow(): void {
    this.samples.length = 0;
    this.sample();
  }

  private sample(): void {
    if (this.stateValue === 'paused') return;
    this.samples.push({ at: performance.now(), count: this.total });
    if (this.samples.length > RATE_WINDOW_SAMPLES + 1) this.samples.shift();
  }

  private reachedRate(now: number): number {
    const first = this.samples[0];
    if (!first || this.stateValue === 'paused') return 0;
    const seconds = (now - first.at) / 1000;
    return seconds > 0 ? (this.total - first.count) / seconds : 0;
  }

  /** Sleeps up to `ms`; pause, resume, a rate change or stop wake it early. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      if (Number.isFinite(ms)) timer = setTimeout(done, Math.max(0, ms));
      this.wake = done;
    });
  }
}
