import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiError } from './core/errors.js';
import type { RequestOptions } from './core/http-client.js';
import {
  ConnectionError,
  InternalServerError,
  RateLimitError,
  RequestAbortedError,
} from './core/errors.js';
import { explainDagNotFound } from './dag-not-found.js';
import { DagRunFailedError, DagRunTimeoutError } from './dag-run-errors.js';
import { failedTaskLogs } from './failed-task-logs.js';
import { unhealthyWithLastHeartbeat } from './health.js';
import type { DagRuns } from './resources/dag-runs.js';
import type { Dags } from './resources/dags.js';
import type { ImportErrors } from './resources/import-errors.js';
import type { Logs } from './resources/logs.js';
import type { Monitor } from './resources/monitor.js';
import type { TaskInstances } from './resources/task-instances.js';
import type { DagRun, TaskInstance } from './types.js';
import { TERMINAL_DAG_RUN_STATES } from './types.js';

export interface TriggerAndWaitOptions {
  /** The run's logical date; null (the default) for a run that has none, as a manual run. */
  readonly logicalDate?: Date | string | null;
  /** The run's `conf`: what the DAG reads as `dag_run.conf` / `params`. */
  readonly conf?: Readonly<Record<string, unknown>>;
  /** A run id of your own; Airflow makes one (`manual__…`) otherwise. */
  readonly dagRunId?: string;
  readonly note?: string;
  /** Called on every change: trigger, run state, any task's state, an unreachable api-server. */
  readonly onProgress?: (progress: WaitProgress) => void;
  /** Stop waiting after this long ({@link DagRunTimeoutError}); default 15 minutes. */
  readonly timeoutMs?: number;
  /** Time between polls; default 2 s. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/** What {@link triggerAndWait} reports while it waits. */
export type WaitProgress =
  | { readonly kind: 'triggered'; readonly dagRun: DagRun; readonly elapsedMs: number }
  | {
      readonly kind: 'progress';
      readonly dagRun: DagRun;
      /** The run's task instances, as of this poll. */
      readonly taskInstances: readonly TaskInstance[];
      readonly elapsedMs: number;
    }
  | {
      /** The api-server did not answer this poll (restarting?); the wait goes on. */
      readonly kind: 'unreachable';
      readonly error: ApiError;
      readonly elapsedMs: number;
    };

/** A run that ended `success`, with its task instances. */
export interface FinishedDagRun {
  readonly dagRun: DagRun;
  readonly taskInstances: readonly TaskInstance[];
  readonly elapsedMs: number;
}

type Resources = {
  readonly dags: Dags;
  readonly importErrors: ImportErrors;
  readonly dagRuns: DagRuns;
  readonly taskInstances: TaskInstances;
  readonly logs: Logs;
  readonly monitor: Monitor;
};

/**
 * Unpauses a DAG, triggers a run and polls until it ends. See
 * {@link AirflowClient.triggerAndWait}.
 */
export async function triggerAndWait(
  resources: Resources,
  dagId: string,
  options: TriggerAndWaitOptions = {},
): Promise<FinishedDagRun> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const pollMs = options.pollMs ?? 2000;
  const call = options.signal ? { signal: options.signal } : {};
  const logicalDate =
    options.logicalDate instanceof Date ? options.logicalDate.toISOString() : options.logicalDate;

  let dagRun: DagRun;
  try {
    // A 404 here is a DAG id Airflow does not know (mistyped, or its file fails to import).
    await resources.dags.unpause(dagId, call);
    dagRun = await resources.dagRuns.trigger(
      dagId,
      {
        logical_date: logicalDate ?? null,
        ...(options.conf ? { conf: { ...options.conf } } : {}),
        ...(options.dagRunId ? { dag_run_id: options.dagRunId } : {}),
        ...(options.note ? { note: options.note } : {}),
      },
      call,
    );
  } catch (error) {
    throw await explainDagNotFound(resources, dagId, error, call);
  }
  options.onProgress?.({ kind: 'triggered', dagRun, elapsedMs: elapsed() });

  let lastSeen = '';
  let taskInstances: TaskInstance[] = [];
  for (;;) {
    try {
      dagRun = await resources.dagRuns.get(dagId, dagRun.dag_run_id, call);
      taskInstances = await resources.taskInstances
        .list(dagId, dagRun.dag_run_id, {}, call)
        .toArray();
      const seen = `${dagRun.state} ${taskInstances.map((t) => `${t.task_id}=${t.state}`).join(',')}`;
      if (seen !== lastSeen) {
        lastSeen = seen;
        options.onProgress?.({ kind: 'progress', dagRun, taskInstances, elapsedMs: elapsed() });
      }
    } catch (error) {
      // The run lives in Airflow, not in this connection: an api-server that restarts or is
      // briefly overloaded only delays the answer. Anything else (401, 404, abort) is real.
      if (!isTransient(error)) throw error;
      options.onProgress?.({ kind: 'unreachable', error, elapsedMs: elapsed() });
    }
    if (TERMINAL_DAG_RUN_STATES.has(dagRun.state)) break;
    if (elapsed() > timeoutMs)
      throw new DagRunTimeoutError(dagRun, timeoutMs, await unhealthyNow(resources, call));
    await sleep(pollMs, undefined, call).catch((error: unknown) => {
      // Aborted between polls: the same error as an abort during a request.
      throw new RequestAbortedError(
        {
          method: 'GET',
          url: `${resources.dagRuns.baseUrl}/api/v2/dags/${dagId}/dagRuns/${dagRun.dag_run_id}`,
        },
        { cause: error },
      );
    });
  }

  if (dagRun.state === 'success') return { dagRun, taskInstances, elapsedMs: elapsed() };
  const logs = await failedTaskLogs(resources, dagId, dagRun.dag_run_id, call).catch(() => []);
  throw new DagRunFailedError(dagRun, logs);
}

/** What Airflow's health endpoint calls unhealthy; [] when it cannot be read. */
async function unhealthyNow(resources: Resources, call: RequestOptions): Promise<string[]> {
  try {
    return unhealthyWithLastHeartbeat(await resources.monitor.health(call));
  } catch {
    return [];
  }
}

function isTransient(error: unknown): error is ApiError {
  return (
    error instanceof ConnectionError ||
    error instanceof InternalServerError ||
    error instanceof RateLimitError
  );
}
