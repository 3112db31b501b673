import type { Command } from 'commander';
import { loadConfig } from '@datapark/config';
import { requireComponents } from '../platform/require-components.js';
import {
  STREAM_JOBS,
  startStream,
  stopStream,
  streamJob,
  streamStatus,
} from '../stream/streaming-job.js';
import { stderrLine } from './output.js';

export function streamCommands(program: Command): void {
  const stream = program
    .command('stream')
    .description(
      'the Spark streaming jobs: Kafka → processed realtime metrics and sessions (--job metrics, the default), ' +
        "every event topic → the lake's bronze archive lake.bronze.kafka_events (--job bronze)",
    );
  const jobOption = [
    '--job <job>',
    `which streaming job: ${Object.keys(STREAM_JOBS).join(' | ')}`,
    'metrics',
  ] as const;
  stream
    .command('start')
    .description(
      'submit apps/spark-jobs/jobs/streaming_metrics.py (or kafka_bronze.py with --job bronze) and wait until it runs',
    )
    .option(...jobOption)
    .option(
      '--checkpoint <dir>',
      'checkpoint directory (default: metrics .datapark/spark/checkpoints/streaming-metrics, ' +
        'bronze s3a://<warehouse bucket>/checkpoints/kafka-bronze in the object store)',
    )
    .option('--trigger-seconds <n>', 'micro-batch interval (default: metrics 5, bronze 10)')
    .option(
      '--starting-offsets <spec>',
      'where a fresh checkpoint starts: earliest (default), latest, or JSON offsets per topic and partition',
    )
    .action(
      async (options: {
        job: string;
        checkpoint?: string;
        triggerSeconds?: string;
        startingOffsets?: string;
      }) => {
        const job = streamJob(options.job);
        const config = loadConfig();
        await requireComponents(
          config,
          job.id === 'bronze'
            ? ['postgres', 'spark', 'kafka', 'objectstore']
            : ['postgres', 'spark', 'kafka'],
        );
        const { state, alreadyRunning } = await startStream({
          config,
          job,
          ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
          ...(options.triggerSeconds ? { triggerSeconds: Number(options.triggerSeconds) } : {}),
          ...(options.startingOffsets ? { startingOffsets: options.startingOffsets } : {}),
          onProgress: stderrLine,
        });
        const stop = `datapark-etl stream stop${job.id === 'metrics' ? '' : ` --job ${job.id}`}`;
        stderrLine(
          alreadyRunning
            ? `stream: already running as ${state.submissionId} (since ${state.startedAt})`
            : `stream: RUNNING as ${state.submissionId} (etl.job_runs run ${state.runId}); stop it with \`${stop}\``,
        );
      },
    );
  stream
    .command('stop')
    .description(
      'kill the streaming job; its checkpoint is kept, so a start resumes where it stopped',
    )
    .option(...jobOption)
    .action(async (options: { job: string }) => {
      const job = streamJob(options.job);
      const config = loadConfig();
      await requireComponents(config, ['postgres', 'spark']);
      const { stopped, finalState } = await stopStream(config, job);
      stderrLine(
        stopped
          ? `stream: ${stopped.submissionId} ${finalState} (etl.job_runs run ${stopped.runId}); checkpoint kept in ${stopped.checkpoint}`
          : 'stream: not running (nothing started with `datapark-etl stream start`)',
      );
    });
  stream
    .command('status')
    .description("the streaming job's driver state and the newest metrics it wrote")
    .option(...jobOption)
    .option('--json', 'print the status as one JSON line on stdout')
    .action(async (options: { job: string; json?: boolean }) => {
      const job = streamJob(options.job);
      const config = loadConfig();
      await requireComponents(config, ['postgres', 'spark']);
      const status = await streamStatus(config, job);
      if (options.json) {
        process.stdout.write(JSON.stringify(status) + '\n');
        return;
      }
      const newest = job.alerting ? undefined : 'it appends to lake.bronze.kafka_events';
      const metrics = status.newestWindow
        ? `newest metrics window ${status.newestWindow.windowStart}, written ${status.newestWindow.updatedAt}`
        : 'no realtime metrics written yet';
      const detail = newest ?? metrics;
      process.stdout.write(
        status.state
          ? `stream: ${status.driverState} ${status.state.submissionId} since ${status.state.startedAt}; ${detail}\n`
          : `stream: not running; ${detail}\n`,
      );
    });
}
