import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveStateDir } from '@datapark/config';
import type { GeneratorConfig } from './generator-config.js';
import type { RunTotals } from './generator-run.js';

/** What a run leaves in the state directory when it ends, however it was stopped. */
export interface LastRun {
  readonly startedAt: string;
  readonly endedAt: string;
  /** `finished` (its events, duration or backfill done), or the signal that stopped it. */
  readonly endedBy: 'finished' | NodeJS.Signals;
  /** False when a second signal quit without waiting: the acknowledged counts may be short. */
  readonly flushed: boolean;
  readonly mode: GeneratorConfig['mode'];
  readonly sinks: readonly string[];
  readonly pid: number;
  readonly totals: RunTotals;
}

/**
 * `<state dir>/event-generator/last-run.json`: the totals of the last run. A generator run in
 * the background through nx loses its closing lines (nx silences its own output on SIGINT and
 * exits), so the totals are also written here.
 */
export function lastRunFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolveStateDir(env), 'event-generator', 'last-run.json');
}

/** Writes the file atomically (a reader never sees half of it). */
export function writeLastRun(file: string, run: LastRun): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(run, null, 2) + '\n');
  renameSync(tmp, file);
}
