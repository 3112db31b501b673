import type { DataparkConfig } from '@datapark/config';
import { loadConfig } from '@datapark/config';
import type { ControlApi } from './control-api.js';
import { serveControlApi } from './control-api.js';
import type { GeneratorConfig, SinkName } from './generator-config.js';
import type { RunTotals } from './generator-run.js';
import { backfillPeriod, GeneratorRun } from './generator-run.js';
import { ShopSimulation } from './shop-simulation.js';
import type { EventSink } from './sinks/event-sink.js';
import { openSinks } from './sinks/open-sinks.js';

/** A generator that has started: its run, its sinks, its control API if served. */
export interface RunningGenerator {
  readonly run: GeneratorRun;
  readonly sinks: readonly EventSink[];
  readonly api: ControlApi | undefined;
  /** Resolves when the run has ended, every sink is flushed and closed and the API is down. */
  readonly done: Promise<RunTotals>;
  /** Stops emitting, then flushes and closes everything (as SIGTERM does). */
  stop(): Promise<RunTotals>;
}

export interface StartOptions {
  /** The platform's endpoints; default: `loadConfig()`, read only if a sink needs it. */
  readonly platform?: DataparkConfig;
  /** A sink's batch failed (the events are counted as failed). */
  readonly onSinkError?: (sink: SinkName, error: Error) => void;
}

/**
 * Opens the sinks, starts the run (realtime or backfill) and, with `http`, the control API.
 *
 * @example
 * ```ts
 * const generator = await startGenerator(
 *   parseGeneratorConfig({ mode: 'realtime', eventsPerSecond: 200, sinks: ['kafka', 'postgres'] }),
 * );
 * setTimeout(() => void generator.stop(), 10_000);
 * const totals = await generator.done;
 * ```
 */
export async function startGenerator(
  config: GeneratorConfig,
  options: StartOptions = {},
): Promise<RunningGenerator> {
  const sinks = await openSinks(
    config,
    () => options.platform ?? loadConfig(),
    options.onSinkError,
  );
  const period = config.mode === 'backfill' ? backfillPeriod(config) : undefined;
  const simulation = new ShopSimulation(
    period ? { ...config.simulation, start: period.from.toISOString() } : config.simulation,
  );
  const run = new GeneratorRun(simulation, sinks, {
    mode: config.mode,
    eventsPerSecond: config.eventsPerSecond,
    events: config.events,
    durationSeconds: config.durationSeconds,
    backfill: period,
  });
  let api: ControlApi | undefined;
  if (config.http) {
    try {
      api = await serveControlApi(run, config.httpPort);
    } catch (error) {
      await Promise.allSettled(sinks.map((s) => s.close()));
      throw error;
    }
  }
  const done = (async () => {
    let ran: unknown;
    let failed = false;
    try {
      await run.run();
    } catch (error) {
      [ran, failed] = [error, true];
    }
    const closed = await Promise.allSettled(sinks.map((s) => s.close()));
    await api?.close();
    if (failed) throw ran;
    const failure = closed.find((c) => c.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
  })();
  // run() flushes before it resolves, but the acknowledged counts are final only once every
  // sink is closed: report the totals after that.
  const totals = done.then(() => run.totals());
  return {
    run,
    sinks,
    api,
    done: totals,
    stop: () => {
      run.stop();
      return totals;
    },
  };
}
