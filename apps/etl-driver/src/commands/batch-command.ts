import type { Command } from 'commander';
import { loadConfig } from '@datapark/config';
import { runBatchViaAirflow } from '../batch/batch-run-airflow.js';
import type { BatchRunResult } from '../batch/batch-run.js';
import { runBatchDirect } from '../batch/batch-run.js';
import { requireComponents } from '../platform/require-components.js';
import { parseLogicalDate } from '../runs/job-runs.js';
import { stderrLine } from './output.js';
import { EtlError, usageError } from '../etl-error.js';

export function batchCommands(program: Command): void {
  const batch = program.command('batch').description('the daily batch: source → processed');
  batch
    .command('run')
    .description(
      'compute one day: trigger the Airflow DAG datapark_batch_etl and wait (--direct: submit apps/spark-jobs/jobs/daily_batch.py to Spark)',
    )
    .requiredOption('--date <YYYY-MM-DD>', 'the day to (re)compute', (v) => parseLogicalDate(v))
    .option('--direct', 'submit to Spark through its REST server, without Airflow')
    .option(
      '--job-file <path>',
      'another batch script (default apps/spark-jobs/jobs/daily_batch.py)',
    )
    .option('--timeout <minutes>', 'give up waiting after this long', '30')
    .option('--json', 'print the result as one JSON line on stdout')
    .action(
      async (options: {
        date: string;
        direct?: boolean;
        jobFile?: string;
        timeout: string;
        json?: boolean;
      }) => {
        const config = loadConfig();
        const timeoutMs = Number(options.timeout) * 60_000;
        let result: BatchRunResult;
        if (options.direct) {
          await requireComponents(config, ['postgres', 'spark']);
          result = await runBatchDirect({
            config,
            date: options.date,
            ...(options.jobFile ? { jobFile: options.jobFile } : {}),
            timeoutMs,
            onProgress: stderrLine,
          });
        } else {
          if (options.jobFile)
            throw usageError('--job-file goes with --direct (the DAG names its own job)');
          await requireComponents(config, ['postgres', 'airflow']);
          result = await runBatchViaAirflow({
            config,
            date: options.date,
            timeoutMs,
            onProgress: stderrLine,
          });
        }
        const seconds = (result.elapsedMs / 1000).toFixed(1);
        if (result.status === 'success') {
          stderrLine(
            `batch ${options.date}: ${result.lakeError ? 'success' : result.finalState} in ${seconds} s` +
              (result.rowsWritten !== undefined
                ? `, ${result.rowsWritten} rows in the day's facts and aggregates`
                : '') +
              ` (etl.job_runs run ${result.runId})`,
          );
        } else {
          stderrLine(
            `batch ${options.date}: ${result.finalState} after ${seconds} s (etl.job_runs run ${result.runId})`,
          );
        }
        if (result.lakeError)
          stderrLine(
            `batch ${options.date}: the day is in processed, but the DAG's lake step failed ` +
              `(the DAG run is failed; processed and the batch's run are not):\n${result.lakeError}`,
          );
        if (options.json) process.stdout.write(JSON.stringify(result) + '\n');
        if (result.status !== 'success')
          throw new EtlError(result.error ?? 'the batch run failed', {
            code: 'BATCH_FAILED',
            hint: `etl.job_runs run ${result.runId} records it`,
          });
      },
    );
}
