import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a driver's time went, from its log: each step's offset from the driver's start. */
export interface DriverTimeline {
  readonly steps: readonly { readonly what: string; readonly atSeconds: number }[];
  /** Spark jobs (actions: reads, writes, counts) with the time each took. */
  readonly jobs: readonly { readonly what: string; readonly seconds: number }[];
}

// Log4j's default layout: "26/12/04 21:16:19 INFO …" (second resolution).
const STAMP = /^(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) /;
const MARKS: readonly [RegExp, string][] = [
  [/Running Spark version/, 'SparkContext starting'],
  [/Connected to Spark cluster with app ID/, 'application registered'],
  [/Granted executor ID/, 'executor granted'],
  [/Registered executor/, 'executor registered'],
  [/Starting task/, 'first task started'],
  [/Successfully stopped SparkContext/, 'SparkContext stopped'],
];

function seconds(line: string): number | undefined {
  const m = STAMP.exec(line);
  if (!m) return undefined;
  const [, yy, mo, dd, hh, mi, ss] = m.map(Number) as number[];
  return Date.UTC(2000 + yy!, mo! - 1, dd!, hh!, mi!, ss!) / 1000;
}

/** Reads the cluster-mode driver's stderr from the local platform's worker directories. */
export function driverTimeline(stateDir: string, driverId: string): DriverTimeline | undefined {
  const [file] = globSync(join(stateDir, 'spark', 'worker-*', driverId, 'stderr'));
  if (!file) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const first = lines.map(seconds).find((s) => s !== undefined);
  if (first === undefined) return undefined;
  const steps: { what: string; atSeconds: number }[] = [{ what: 'driver JVM up', atSeconds: 0 }];
  const jobs: { what: string; seconds: number }[] = [];
  for (const line of lines) {
    const at = seconds(line);
    if (at === undefined) continue;
    for (const [pattern, what] of MARKS)
      if (pattern.test(line) && !steps.some((s) => s.what === what))
        steps.push({ what, atSeconds: at - first });
    // Spark 4: "Job 3 finished: write processed.fact_orders, took 2041.39 ms"
    const job = /Job \d+ finished: (.+?), took ([\d.]+) (ms|s)$/.exec(line.trim());
    if (job) jobs.push({ what: job[1]!, seconds: Number(job[2]) / (job[3] === 'ms' ? 1000 : 1) });
  }
  return { steps, jobs };
}
