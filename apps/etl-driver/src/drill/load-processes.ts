import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The checkout's apps, found from this module in src/ and in dist/ alike. */
const APPS = join(import.meta.dirname, '..', '..', '..');

/** A CLI of ours run as a child, as a learner would run it in a second terminal. */
export interface LoadProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines it wrote, for an error message. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: what a crash or an OOM kill does. */
  kill(): Promise<void>;
}

function startCli(name: string, script: string, args: readonly string[]): LoadProcess {
  const child = spawn(process.execPath, ['--no-warnings', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = once(child, 'exit').then(() => undefined);
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    tail: () => output.trim().split('\n').slice(-8).join('\n'),
    async stop(graceMs = 30_000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!running()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The event generator into Kafka at `rate` events/s, its control API on `port`. */
export function startGenerator(rate: number, port: number, seed: string): LoadProcess {
  return startCli('event-generator', join(APPS, 'event-generator', 'dist', 'cli.js'), [
    '--mode',
    'realtime',
    '--rate',
    String(rate),
    '--sink',
    'kafka',
    '--http-port',
    String(port),
    '--seed',
    seed,
  ]);
}

/**
 * The shop writing its OLTP tables (`source`) at `rate` events/s, with no Kafka: what a batch
 * job reads while the day is still going.
 */
export function startSourceWriter(rate: number, seed: string): LoadProcess {
  return startCli('event-generator (source)', join(APPS, 'event-generator', 'dist', 'cli.js'), [
    '--mode',
    'realtime',
    '--rate',
    String(rate),
    '--sink',
    'postgres',
    '--seed',
    seed,
  ]);
}

/** `datapark-etl ingest` for `group`, starting where the group's stored offsets say. */
export function startIngest(group: string): LoadProcess {
  return startCli('ingest', join(APPS, 'etl-driver', 'dist', 'cli.js'), [
    'ingest',
    '--group',
    group,
    '--start',
    'latest',
  ]);
}

/** Events the generator's Kafka sink had acknowledged, from its control API. */
export async function acknowledgedEvents(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/status`, {
    signal: AbortSignal.timeout(5000),
  });
  const status = (await response.json()) as {
    sinks: { name: string; acknowledged: Record<string, number> }[];
  };
  const kafka = status.sinks.find((s) => s.name === 'kafka');
  return Object.values(kafka?.acknowledged ?? {}).reduce((sum, n) => sum + n, 0);
}

/** Acknowledged events per second over `ms`. */
export async function acknowledgedRate(port: number, ms: number): Promise<number> {
  const before = await acknowledgedEvents(port);
  const started = Date.now();
  await sleep(ms);
  return ((await acknowledgedEvents(port)) - before) / ((Date.now() - started) / 1000);
}
