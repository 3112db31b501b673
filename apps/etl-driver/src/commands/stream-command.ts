import type { Command } from 'commander';
import { loadConfig } from '@datapark/config';
import { requireComponents } from '../platform/require-components.js';
import { startStream, stopStream, streamStatus } from '../stream/streaming-job.js';
import { stderrLine } from './output.js';

export function streamCommands(program: Command): void {
  const stream = program
    .command('stream')
    .description('the Spark streaming job: Kafka → processed realtime metrics and sessions');
  stream
    .command('start')
    .description('submit apps/spark-jobs/jobs/streaming_metrics.py and wait until it runs')
    .option(
      '--checkpoint <dir>',
      'checkpoint directory (default .datapark/spark/checkpoints/streaming-metrics)',
    )
    .option('--trigger-seconds <n>', 'micro-batch interval', '5')
    .action(async (options: { checkpoint?: string; triggerSeconds: string }) => {
      const config = loadConfig();
      await requireComponents(config, ['postgres', 'spark', 'kafka']);
      const { state, alreadyRunning } = await startStream({
        config,
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        triggerSeconds: Number(options.triggerSeconds),
        onProgress: stderrLine,
      });
      stderrLine(
        alreadyRunning
          ? `stream: already running as ${state.submissionId} (since ${state.startedAt})`
          : `stream: RUNNING as ${state.submissionId} (etl.job_runs run ${state.runId}); stop it with \`datapark-etl stream stop\``,
      );
    });
  stream
    .command('stop')
    .description(
      'kill the streaming job; its checkpoint is kept, so a start resumes where it stopped',
    )
    .action(async () => {
      const config = loadConfig();
      await requireComponents(config, ['postgres', 'spark']);
      const { stopped, finalState } = await stopStream(config);
      stderrLine(
        stopped
          ? `stream: ${stopped.submissionId} ${finalState} (etl.job_runs run ${stopped.runId}); checkpoint kept in ${stopped.checkpoint}`
          : 'stream: not running (nothing started with `datapark-etl stream start`)',
      );
    });
  stream
    .command('status')
    .description("the streaming job's driver state and the newest metrics it wrote")
    .option('--json', 'print the status as one JSON line on stdout')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      await requireComponents(config, ['postgres', 'spark']);
      const status = await streamStatus(config);
      if (options.json) {
        process.stdout.write(JSON.stringify(status) + '\n');
        return;
      }
      const newest = status.newestWindow
        ? `newest metrics window ${status.newestWindow.windowStart}, written ${status.newestWindow.updatedAt}`
        : 'no realtime metrics written yet';
      process.stdout.write(
        status.state
          ? `stream: ${status.driverState} ${status.state.submissionId} since ${status.state.startedAt}; ${newest}\n`
          : `stream: not running; ${newest}\n`,
      );
    });
}
