import type { Command } from 'commander';
import { Option } from 'commander';
import { loadConfig, scrapeTargetsDir } from '@datapark/config';
import { createPool } from '@datapark/db';
import { connectionFromConfig, fetchWatermarks } from '@datapark/kafka';
import { readStoredOffsets, resetOffsets } from '../ingest/consumer-offsets.js';
import { formatProgress } from '../ingest/ingest-progress.js';
import { parseTopics } from '../ingest/raw-tables.js';
import { DEFAULT_INGEST_GROUP, runIngest } from '../ingest/run-ingest.js';
import { createIngestMetrics } from '../metrics/ingest-metrics.js';
import { serveMetrics } from '../metrics/metrics-server.js';
import { requireComponents } from '../platform/require-components.js';
import { printTable, stderrLine } from './output.js';
import { usageError } from '../etl-error.js';

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw usageError(`${name} ${value}: expected a whole number above 0`);
    return n;
  };
}

export function ingestCommands(program: Command): void {
  program
    .command('ingest')
    .description(
      'Kafka topics → raw tables, exactly once into PostgreSQL (offsets stored with the rows)',
    )
    .option('--topics <list>', 'comma-separated catalog topics (default: all four)')
    .option(
      '--group <id>',
      'consumer group; its offsets live in etl.consumer_offsets',
      DEFAULT_INGEST_GROUP,
    )
    .option('--until-caught-up', 'exit once every partition reached the end offset it had at start')
    .addOption(
      new Option('--start <where>', 'where a partition without a stored offset starts')
        .choices(['earliest', 'latest'])
        .default('earliest'),
    )
    .option('--concurrency <n>', 'partitions landed at once', positiveInt('--concurrency'), 3)
    .option(
      '--batch-bytes <n>',
      'fetch size per partition: the most one transaction holds',
      positiveInt('--batch-bytes'),
      2 * 1024 * 1024,
    )
    .option(
      '--progress-interval <seconds>',
      'seconds between progress lines',
      positiveInt('--progress-interval'),
      2,
    )
    .option(
      '--metrics-port <n>',
      'serve Prometheus metrics on 127.0.0.1:<n>/metrics (default: a free port; Prometheus finds it)',
      positiveInt('--metrics-port'),
    )
    .option('--no-metrics', 'serve no /metrics')
    .option('--json', 'print the summary as one JSON line on stdout')
    .action(
      async (options: {
        metricsPort?: number;
        metrics: boolean;
        topics?: string;
        group: string;
        untilCaughtUp?: boolean;
        start: 'earliest' | 'latest';
        concurrency: number;
        batchBytes: number;
        progressInterval: number;
        json?: boolean;
      }) => {
        const topics = parseTopics(options.topics);
        const config = loadConfig();
        await requireComponents(config, ['kafka', 'postgres']);
        const controller = new AbortController();
        let signals = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          signals++;
          if (signals > 1) process.exit(130);
          stderrLine(`${signal}: stopping after the batch in flight (again to abort)`);
          controller.abort();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        stderrLine(
          `ingest[${options.group}]: ${topics.join(', ')} → raw${options.untilCaughtUp ? ', until caught up' : ''}`,
        );
        const metrics = options.metrics ? createIngestMetrics(options.group, topics) : undefined;
        const server = metrics
          ? await serveMetrics({
              registry: metrics.registry,
              job: 'ingest',
              labels: { unit: 'ingest', group: options.group },
              targetsDir: scrapeTargetsDir(config),
              port: options.metricsPort ?? 0,
            })
          : undefined;
        if (server)
          stderrLine(
            `ingest[${options.group}]: metrics on ${server.url} (Prometheus finds it by the target file ${server.targetFile})`,
          );
        const summary = await runIngest({
          config,
          topics,
          group: options.group,
          untilCaughtUp: options.untilCaughtUp ?? false,
          start: options.start,
          concurrency: options.concurrency,
          maxBytesPerPartition: options.batchBytes,
          progressIntervalMs: options.progressInterval * 1000,
          onProgress: (p) => {
            metrics?.onProgress(p);
            stderrLine(formatProgress(p));
          },
          ...(metrics ? { onBatch: metrics.onBatch } : {}),
          log: (line) => stderrLine(`ingest[${options.group}]: ${line}`),
          signal: controller.signal,
        }).finally(() => server?.close());
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        const lag = Object.values(summary.lag).reduce((a, b) => a + b, 0);
        stderrLine(
          `ingest[${summary.group}]: ${summary.stoppedBy === 'caught-up' ? 'caught up' : 'stopped'}: ` +
            `${summary.rows.toLocaleString('en-US')} rows landed, ${summary.deadLetters} dead letters, ` +
            `${summary.skipped} skipped, in ${summary.seconds.toFixed(1)} s ` +
            `(${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s); lag ${lag}`,
        );
        if (options.json) process.stdout.write(JSON.stringify(summary) + '\n');
      },
    );

  const offsets = program
    .command('offsets')
    .description("an ingest group's stored offsets (etl.consumer_offsets)");
  offsets
    .command('show')
    .description('stored offset, end offset and lag per partition')
    .option('--group <id>', 'consumer group', DEFAULT_INGEST_GROUP)
    .option('--topics <list>', 'comma-separated catalog topics (default: all four)')
    .action(async (options: { group: string; topics?: string }) => {
      const topics = parseTopics(options.topics);
      const config = loadConfig();
      await requireComponents(config, ['kafka', 'postgres']);
      const pool = createPool(config, 'ingest', { max: 1 });
      const connection = connectionFromConfig(config, 'datapark-etl-offsets');
      try {
        const [watermarks, stored] = await Promise.all([
          fetchWatermarks(connection, topics),
          readStoredOffsets(pool, options.group, topics),
        ]);
        printTable(
          ['topic', 'partition', 'stored', 'end', 'lag'],
          watermarks.map((w) => {
            const at = stored.get(`${w.topic}:${w.partition}`);
            return [
              w.topic,
              String(w.partition),
              at === undefined ? '-' : String(at),
              String(w.high),
              at === undefined ? '-' : String(w.high - at),
            ];
          }),
        );
      } finally {
        await pool.end();
      }
    });
  offsets
    .command('reset')
    .description("move a group's stored offsets: the next ingest of the group starts there")
    .option('--group <id>', 'consumer group', DEFAULT_INGEST_GROUP)
    .option('--topics <list>', 'comma-separated catalog topics (default: all four)')
    .addOption(
      new Option('--to <where>', 'the oldest records still in Kafka, or the end offsets now')
        .choices(['earliest', 'latest'])
        .makeOptionMandatory(),
    )
    .action(async (options: { group: string; topics?: string; to: 'earliest' | 'latest' }) => {
      const topics = parseTopics(options.topics);
      const config = loadConfig();
      await requireComponents(config, ['kafka', 'postgres']);
      const pool = createPool(config, 'ingest', { max: 1 });
      const connection = connectionFromConfig(config, 'datapark-etl-offsets');
      try {
        const watermarks = await fetchWatermarks(connection, topics);
        await resetOffsets(pool, options.group, watermarks, options.to);
        stderrLine(
          `offsets of ${options.group} moved to ${options.to} on ${watermarks.length} partitions of ${topics.join(', ')}`,
        );
      } finally {
        await pool.end();
      }
    });
}
