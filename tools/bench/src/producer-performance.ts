import { spawnSync } from 'node:child_process';
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
export function runProducerPerformance(run: ProducerPerformanceRun): {
  recordsPerSec: number;
  line: string;
} {
  const result = spawnSync(
    'java',
    [
      '-Xmx512m',
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
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ProducerPerformance failed:\n${result.stderr}`);
  // "100000 records sent, 41288.2 records/sec (40.32 MB/sec), …"
  const line =
    result.stdout
      .trim()
      .split('\n')
      .filter((l) => l.includes('records sent'))
      .at(-1) ?? '';
  const match = /records sent, ([\d.]+) records\/sec/.exec(line);
  if (!match) throw new Error(`could not read ProducerPerformance's summary:\n${result.stdout}`);
  return { recordsPerSec: Number(match[1]), line };
}
