import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;

export interface ProducerPerformanceRun {
  readonly topic: string;
  readonly records: number;
  /** One record per line, sent as they are. */
  readonly payloadFile: string;
  readonly bootstrapServers: readonly string[];
  /** Producer properties beyond acks=all, idempotence and no compression. */
  readonly extraProps?: readonly string[];
}

/**
 * Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance from the jars the
 * brokers run) at acks=all, idempotent, uncompressed: the reference of the producing benchmarks.
 */
export async function runProducerPerformance(run: ProducerPerformanceRun): Promise<{
  recordsPerSec: number;
  line: string;
}> {
  const child = spawn(
    'java',
    [
      '-Xmx384m',
      '-cp',
      `${join(root, '.tools', 'jars', 'kafka')}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      run.topic,
      '--num-records',
      String(run.records),
      '--payload-file',
      run.payloadFile,
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${run.bootstrapServers.join(',')}`,
      'acks=all',
      'enable.idempotence=true',
      'compression.type=none',
      ...(run.extraProps ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`ProducerPerformance failed:\n${stderr}`);
  // "100000 records sent, 41288.2 records/sec (40.32 MB/sec), …"
  const line =
    stdout
      .trim()
      .split('\n')
      .filter((l) => l.includes('records sent'))
      .at(-1) ?? '';
  const match = /records sent, ([\d.]+) records\/sec/.exec(line);
  if (!match) throw new Error(`could not read ProducerPerformance's summary:\n${stdout}`);
  return { recordsPerSec: Number(match[1]), line };
}

/**
 * The Java client at the best settings we found for these workloads on this machine (a sweep
 * of batch.size 16k–1M and linger.ms 5–50, in the README): the reference of the producing
 * benchmarks, stated in their output.
 */
export const TUNED_JAVA_PRODUCER = ['batch.size=262144', 'linger.ms=10'] as const;
