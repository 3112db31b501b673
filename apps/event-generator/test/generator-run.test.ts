import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GeneratedEvent } from '../src/index.js';
import {
  backfillPeriod,
  CountOnlySink,
  DryRunSink,
  GeneratorRun,
  parseGeneratorConfig,
  parseSimulationConfig,
  ShopSimulation,
  startGenerator,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'generator-run-'));
const batching = { batchSize: 100, lingerMs: 50, maxPending: 10_000 };

function readLines(path: string): GeneratedEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as GeneratedEvent);
}

// Behaviour, not a benchmark: the bands are wide enough for a loaded 2-core machine.
describe('realtime pacing', () => {
  it('emits at the target rate, steadily, stamps events with the wall clock, and reports the rate it reached', async () => {
    const out = join(dir, 'paced.jsonl');
    const sink = new DryRunSink(out, batching);
    const run = new GeneratorRun(
      new ShopSimulation(parseSimulationConfig({ seed: 'pacing' })),
      [sink],
      {
        mode: 'realtime',
        eventsPerSecond: 200,
        durationSeconds: 3,
      },
    );
    const startedAt = Date.now();
    const perSecond: number[] = [];
    const sampler = setInterval(() => perSecond.push(run.status().generatedTotal), 1_000);
    const reached: number[] = [];
    const reader = setInterval(() => reached.push(run.status().reachedEventsPerSecond), 2_500);
    const totals = await run.run();
    clearInterval(sampler);
    clearInterval(reader);
    await sink.close();

    const generated = Object.values(totals.generated).reduce((a, b) => a + b, 0);
    expect(generated).toBeGreaterThanOrEqual(450);
    expect(generated).toBeLessThanOrEqual(750);
    // Steady: the first second already carries its share (no start-up burst, no stall).
    expect(perSecond[0]).toBeGreaterThan(100);
    expect(perSecond[0]).toBeLessThan(400);
    expect(reached[0]).toBeGreaterThan(100);
    expect(reached[0]).toBeLessThan(300);

    const events = readLines(out);
    expect(events).toHaveLength(generated);
    const first = Date.parse(events[0]!.event.occurred_at);
    const last = Date.parse(events.at(-1)!.event.occurred_at);
    expect(first).toBeGreaterThanOrEqual(startedAt);
    expect(last).toBeLessThanOrEqual(Date.now());
    expect(last - first).toBeGreaterThan(2_000);
  });

  it('applies a rate change from then on, without a burst to make up for the old rate', async () => {
    const run = new GeneratorRun(
      new ShopSimulation(parseSimulationConfig({ seed: 'rate' })),
      [new CountOnlySink()],
      {
        mode: 'realtime',
        eventsPerSecond: 50,
        durationSeconds: 4,
      },
    );
    const done = run.run();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const before = run.status().generatedTotal;
    run.setRate(500);
    expect(run.status().targetEventsPerSecond).toBe(500);
    await done;
    const after = run.status().generatedTotal - before;
    expect(before).toBeGreaterThan(50);
    expect(before).toBeLessThan(150);
    // 2 s at 500/s: 1000 expected; a wide band.
    expect(after).toBeGreaterThan(600);
    expect(after).toBeLessThan(1_400);
    expect(() => run.setRate(0)).toThrow(/eventsPerSecond: expected a number above 0/);
  });
});

describe('backfill', () => {
  it('covers the last N days: event times spread from the start of the period to its end', async () => {
    const out = join(dir, 'backfill.jsonl');
    const until = new Date('2026-11-20T12:00:00.000Z');
    const config = parseGeneratorConfig({
      mode: 'backfill',
      days: 3,
      until: until.toISOString(),
      sinks: ['dry-run'],
      out,
      // A quieter shop: three days in a few seconds.
      simulation: { seed: 'backfill', sessionsPerHour: 150, customersPerHour: 30 },
    });
    const generator = await startGenerator(config);
    const status = generator.run.status();
    expect(status.backfill).toMatchObject({
      from: '2026-11-17T12:00:00.000Z',
      until: '2026-11-20T12:00:00.000Z',
    });
    const totals = await generator.done;
    expect(generator.run.status().backfill!.progress).toBeGreaterThan(0.99);

    const times = readLines(out).map((e) => Date.parse(e.event.occurred_at));
    expect(times.length).toBe(Object.values(totals.generated).reduce((a, b) => a + b, 0));
    const min = Math.min(...times);
    const max = Math.max(...times);
    const from = until.getTime() - 3 * 86_400_000;
    expect(new Date(min).toISOString()).toBe('2026-11-17T12:00:00.000Z'); // the products, first
    expect(max).toBeLessThan(until.getTime());
    expect(max).toBeGreaterThan(until.getTime() - 3_600_000);
    // Spread, not bunched: every 6-hour slice of the period has events.
    const slices = new Set(times.map((t) => Math.floor((t - from) / (6 * 3_600_000))));
    expect(slices.size).toBe(12);
  });

  it('without --until ends now and starts on the hour, so a restart within the hour replays the same events', () => {
    const now = new Date('2026-11-25T08:41:13.500Z');
    expect(backfillPeriod({ days: 2 }, now)).toEqual({
      from: new Date('2026-11-23T08:00:00.000Z'),
      until: now,
    });
  });
});

describe('the run clock', () => {
  it("includes the final flush: a run's seconds cover every acknowledgement it counts", async () => {
    // A sink whose last acknowledgements take 400 ms to arrive, as Kafka's can under load.
    class SlowFlushSink extends CountOnlySink {
      override async flush(): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    }
    const run = new GeneratorRun(
      new ShopSimulation(parseSimulationConfig({ seed: 'clock' })),
      [new SlowFlushSink()],
      { mode: 'backfill', eventsPerSecond: 1, events: 1000, backfill: backfillPeriod({ days: 1 }) },
    );
    const totals = await run.run();
    expect(totals.seconds).toBeGreaterThanOrEqual(0.4);
  });
});
