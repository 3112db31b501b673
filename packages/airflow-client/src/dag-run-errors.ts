import { AirflowClientError } from './core/errors.js';
import type { FailedTaskLog } from './failed-task-logs.js';
import type { DagRun } from './types.js';

/**
 * A run that {@link AirflowClient.triggerAndWait} waited for ended `failed`. Carries the run
 * and the log of every failed task instance (their end holds the exception).
 */
export class DagRunFailedError extends AirflowClientError {
  override readonly name = 'DagRunFailedError';
  constructor(
    readonly dagRun: DagRun,
    readonly failedTasks: readonly FailedTaskLog[],
  ) {
    const first = failedTasks[0];
    const excerpt = first
      ? `\n--- end of the log of ${first.taskInstance.task_id} ---\n${tail(first.log, 20)}`
      : '';
    super(
      `DAG run ${dagRun.dag_id}/${dagRun.dag_run_id} failed` +
        (failedTasks.length
          ? ` (failed tasks: ${failedTasks.map((t) => t.taskInstance.task_id).join(', ')})`
          : '') +
        excerpt,
    );
  }
}

/** {@link AirflowClient.triggerAndWait} stopped waiting; the run goes on in Airflow. */
export class DagRunTimeoutError extends AirflowClientError {
  override readonly name = 'DagRunTimeoutError';
  constructor(
    readonly dagRun: DagRun,
    readonly timeoutMs: number,
  ) {
    super(
      `DAG run ${dagRun.dag_id}/${dagRun.dag_run_id} still ${dagRun.state} after ${Math.round(timeoutMs / 1000)} s; ` +
        'it keeps running in Airflow (raise timeoutMs, or watch it in the UI)',
    );
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
