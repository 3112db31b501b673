import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { DataparkConfig } from '@datapark/config';
import { createDb } from '@datapark/db';
import type { DriverState } from '@datapark/spark-client';
import { SparkJobFailedError, SparkRestClient } from '@datapark/spark-client';
import { finishJobRun, startJobRun } from '../runs/job-runs.js';
import { EtlError } from '../etl-error.js';

/** The job name batch runs are recorded under in `etl.job_runs`. */
export const BATCH_JOB_NAME = 'daily_batch';

/** apps/spark-jobs/jobs/<file>, found from this module in src/ and in dist/ alike. */
export function sparkJobFile(file: string): string {
  return join(import.meta.dirname, '..', '..', '..', 'spark-jobs', 'jobs', file);
}

/** Tables the daily batch writes for a date, and the column that holds the date. */
const DATED_OUTPUTS = [
  ['processed.fact_orders', 'order_date'],
  ['processed.fact_order_items', 'order_date'],
  ['processed.daily_sales', 'sales_date'],
  ['processed.product_performance', 'sales_date'],
] as const;

export interface BatchRunOptions {
  readonly config: DataparkConfig;
  /** The day to (re)compute, YYYY-MM-DD. */
  readonly date: string;
  /** Who asked, for `etl.job_runs.triggered_by`. */
  readonly triggeredBy?: string;
  /** Default: apps/spark-jobs/jobs/daily_batch.py. */
  readonly jobFile?: string;
  /** Count orders placed before this instant (default: when the job starts). */
  readonly asOf?: Date;
  readonly timeoutMs?: number;
  /** Each state change and, while it runs, a line every 15 s. */
  readonly onProgress?: (line: string) => void;
  /** Called with the driver's submission id once Spark accepted it. */
  readonly onSubmitted?: (submissionId: string) => void;
}

export interface BatchRunResult {
  readonly runId: string;
  readonly status: 'success' | 'failed';
  /** The Spark driver (direct runs). */
  readonly submissionId?: string;
  /** The Airflow DAG run (runs through Airflow). */
  readonly dagRunId?: string;
  /** FINISHED/FAILED/KILLED/ERROR for Spark; success/failed for an Airflow DAG run. */
  readonly finalState: string;
  readonly elapsedMs: number;
  /** Rows in the date's processed facts and aggregates after the run. */
  readonly rowsWritten?: number;
  /** Why it failed: the driver's state and the end of its log. */
  readonly error?: string;
  /**
   * Through Airflow: the DAG's lake step failed after the batch succeeded (the DAG run is
   * failed, the batch's status success); the failed task and the end of its log.
   */
  readonly lakeError?: string;
}

/**
 * Runs the daily batch for one date straight on Spark (no Airflow): submits
 * apps/spark-jobs/jobs/daily_batch.py through the REST submission server, waits, and records
 * the run in `etl.job_runs` (running → success/failed, with the submission id and rows written).
 *
 * @example
 * ```ts
 * const run = await runBatchDirect({ config: loadConfig(), date: '2026-11-01', onProgress: console.log });
 * // run.status === 'success', run.rowsWritten === 1234
 * ```
 */
export async function runBatchDirect(options: BatchRunOptions): Promise<BatchRunResult> {
  const { config, date } = options;
  const progress = options.onProgress ?? (() => undefined);
  const jobFile = options.jobFile ?? sparkJobFile('daily_batch.py');
  if (!existsSync(jobFile))
    throw new EtlError(`the batch job ${jobFile} does not exist`, {
      code: 'JOB_FILE_MISSING',
      hint: 'pass --job-file to point at it',
    });
  const spark = SparkRestClient.fromConfig(config);
  const db = createDb(config, 'airflow', { max: 1 });
  const started = Date.now();
  let submissionId: string | undefined;
  let state: DriverState | 'SUBMITTING' = 'SUBMITTING';
  const ticker = setInterval(
    () => progress(`  still ${state} after ${Math.round((Date.now() - started) / 1000)} s`),
    15_000,
  );
  try {
    const runId = await startJobRun(db, {
      jobName: BATCH_JOB_NAME,
      logicalDate: date,
      triggeredBy: options.triggeredBy ?? 'datapark-etl batch run --direct',
      details: {
        mode: 'direct',
        jobFile,
        ...(options.asOf ? { asOf: options.asOf.toISOString() } : {}),
      },
    });
    progress(
      `batch ${BATCH_JOB_NAME} ${date}: run ${runId}, submitting ${jobFile} to ${config.spark.restUrl}`,
    );
    try {
      await spark.submitAndWait(
        spark.pythonRequest({
          file: jobFile,
          name: `${BATCH_JOB_NAME}-${date}`,
          args: ['--date', date, ...(options.asOf ? ['--as-of', options.asOf.toISOString()] : [])],
          env: {
            DATAPARK_STATE_DIR: config.stateDir,
            DATAPARK_ENDPOINTS_FILE: config.endpointsFile,
          },
        }),
        {
          timeoutMs: options.timeoutMs ?? 30 * 60_000,
          onProgress: (driverState, id, detail) => {
            if (submissionId === undefined) options.onSubmitted?.(id);
            submissionId = id;
            state = driverState;
            progress(
              `  ${driverState} ${id} (${((Date.now() - started) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ''}`,
            );
          },
        },
      );
    } catch (error) {
      const message = (error as Error).message;
      await finishJobRun(db, runId, {
        status: 'failed',
        details: {
          ...(submissionId ? { submissionId } : {}),
          finalState: error instanceof SparkJobFailedError ? error.driverState : 'ERROR',
          error: message.slice(0, 4000),
        },
      });
      return {
        runId,
        status: 'failed',
        ...(submissionId ? { submissionId } : {}),
        finalState: error instanceof SparkJobFailedError ? error.driverState : 'ERROR',
        elapsedMs: Date.now() - started,
        error: message,
      };
    }
    const rowsWritten = await countDatedRows(db, date);
    await finishJobRun(db, runId, {
      status: 'success',
      rowsWritten,
      details: { submissionId: submissionId ?? null, finalState: 'FINISHED' },
    });
    return {
      runId,
      status: 'success',
      ...(submissionId ? { submissionId } : {}),
      finalState: 'FINISHED',
      elapsedMs: Date.now() - started,
      rowsWritten,
    };
  } finally {
    clearInterval(ticker);
    await db.destroy();
  }
}

async function countDatedRows(db: ReturnType<typeof createDb>, date: string): Promise<number> {
  let total = 0;
  for (const [table, column] of DATED_OUTPUTS) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${date}::date`.execute(
      db,
    );
    total += rows[0]?.n ?? 0;
  }
  return total;
}
