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
    /**
     * The parts of Airflow its health endpoint called unhealthy when the wait ended, e.g.
     * `scheduler (last heartbeat 2026-11-25T11:49:17Z)`: a run stays queued while the
     * scheduler is down. Empty when all were healthy or health could not be read.
     */
    readonly unhealthy: readonly string[] = [],
  ) {
    super(
      `DAG run ${dagRun.dag_id}/${dagRun.dag_run_id} still ${dagRun.state} after ${Math.round(timeoutMs / 1000)} s; ` +
        'it keeps running in Airflow (raise timeoutMs, or watch it in the UI)' +
        (unhealthy.length
          ? `. Airflow reports unhealthy: ${unhealthy.join(', ')}; a run waits for its scheduler, so start it (npx nx run platform:up, or check the scheduler's log)`
          : ''),
    );
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
