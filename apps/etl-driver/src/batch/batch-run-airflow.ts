import type { TaskInstance } from '@datapark/airflow-client';
import { AirflowClient, DagRunFailedError, DagRunTimeoutError } from '@datapark/airflow-client';
import type { DataparkConfig } from '@datapark/config';
import { sql } from 'kysely';
import { createDb } from '@datapark/db';
import { finishJobRun, startJobRun } from '../runs/job-runs.js';
import type { BatchRunResult } from './batch-run.js';
import { BATCH_JOB_NAME } from './batch-run.js';

/** The Airflow DAG that runs the daily batch (apps/airflow-dags/dags/datapark_batch_etl.py). */
export const BATCH_DAG_ID = 'datapark_batch_etl';

/** The DAG's lake step, after the batch has recorded its day (lake_day → submit → wait). */
export const LAKE_TASKS: readonly string[] = ['lake_day', 'submit_lake_job', 'wait_for_lake_job'];

export interface AirflowBatchOptions {
  readonly config: DataparkConfig;
  readonly date: string;
  readonly dagId?: string;
  readonly timeoutMs?: number;
  readonly onProgress?: (line: string) => void;
}

/**
 * Runs the daily batch for one date through Airflow: triggers the batch DAG with
 * `conf: { date }` and waits, printing the run's and each task's state changes. The DAG records
 * itself in `etl.job_runs` (job `datapark_batch_etl`, its Airflow run id in `details`); that row
 * is the run's record here too, and one is written only when the DAG did not.
 *
 * @example
 * ```ts
 * const run = await runBatchViaAirflow({ config: loadConfig(), date: '2026-11-01', onProgress: console.log });
 * ```
 */
export async function runBatchViaAirflow(options: AirflowBatchOptions): Promise<BatchRunResult> {
  const { config, date } = options;
  const dagId = options.dagId ?? BATCH_DAG_ID;
  const progress = options.onProgress ?? (() => undefined);
  const airflow = AirflowClient.fromConfig(config);
  const started = Date.now();
  const taskStates = new Map<string, string>();
  let dagRunId: string | undefined;
  let finalState = 'unknown';
  let error: string | undefined;
  let lakeError: string | undefined;
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const showTasks = (tasks: readonly TaskInstance[]) => {
    for (const task of tasks) {
      const state = task.state ?? 'none';
      if (taskStates.get(task.task_id) === state) continue;
      taskStates.set(task.task_id, state);
      if (state !== 'none' && state !== 'scheduled')
        progress(`  ${task.task_id}: ${state} (${seconds()})`);
    }
  };
  try {
    const done = await airflow.triggerAndWait(dagId, {
      conf: { date },
      timeoutMs: options.timeoutMs ?? 30 * 60_000,
      onProgress: (p) => {
        if (p.kind === 'triggered') {
          dagRunId = p.dagRun.dag_run_id;
          progress(
            `batch ${dagId} ${date}: triggered ${p.dagRun.dag_run_id} on ${config.airflow.url}`,
          );
        } else if (p.kind === 'progress') {
          showTasks(p.taskInstances);
        } else {
          progress(`  the Airflow api-server did not answer (${p.error.message}); still waiting`);
        }
      },
    });
    showTasks(done.taskInstances);
    finalState = done.dagRun.state;
  } catch (e) {
    if (e instanceof DagRunFailedError) {
      finalState = e.dagRun.state;
      const failed = e.failedTasks.map((t) => t.taskInstance.task_id);
      // The lake's tasks run after the batch recorded its day: their failure (a reconciliation
      // that disagrees, most often) fails the DAG run but not the batch, which is said apart.
      if (failed.length > 0 && failed.every((t) => LAKE_TASKS.includes(t))) lakeError = e.message;
      else error = e.message;
    } else if (e instanceof DagRunTimeoutError) {
      finalState = e.dagRun.state;
      error = e.message;
    } else throw e;
  }

  const db = createDb(config, 'airflow', { max: 1 });
  try {
    const recorded = dagRunId
      ? await db
          .selectFrom('etl.job_runs')
          .select(['run_id', 'rows_written'])
          .where('job_name', '=', dagId)
          .where(sql<string>`details->>'airflow_run_id'`, '=', dagRunId)
          .orderBy('run_id', 'desc')
          .executeTakeFirst()
      : undefined;
    let runId = recorded?.run_id;
    if (!runId) {
      // The DAG did not record itself (an older DAG, or it failed first): record the run here.
      runId = await startJobRun(db, {
        jobName: BATCH_JOB_NAME,
        logicalDate: date,
        triggeredBy: 'datapark-etl batch run',
        details: { mode: 'airflow', dagId, airflow_run_id: dagRunId ?? null },
      });
      await finishJobRun(db, runId, {
        status: finalState === 'success' || lakeError ? 'success' : 'failed',
        details: { finalState, ...(error ? { error: error.slice(0, 4000) } : {}) },
      });
    }
    return {
      runId,
      status: finalState === 'success' || lakeError ? 'success' : 'failed',
      finalState,
      ...(lakeError ? { lakeError } : {}),
      elapsedMs: Date.now() - started,
      ...(dagRunId ? { dagRunId } : {}),
      ...(recorded?.rows_written ? { rowsWritten: Number(recorded.rows_written) } : {}),
      ...(error ? { error } : {}),
    };
  } finally {
    await db.destroy();
  }
}
