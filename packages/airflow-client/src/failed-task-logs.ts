import type { RequestOptions } from './core/http-client.js';
import type { Logs } from './resources/logs.js';
import type { TaskInstances } from './resources/task-instances.js';
import type { TaskInstance } from './types.js';

/** A failed task instance and the text of the log of its last attempt. */
export interface FailedTaskLog {
  readonly taskInstance: TaskInstance;
  readonly tryNumber: number;
  readonly log: string;
}

/**
 * The log of every task instance of a run that ended `failed` (its last attempt): what to
 * read first when a run fails.
 */
export async function failedTaskLogs(
  resources: { readonly taskInstances: TaskInstances; readonly logs: Logs },
  dagId: string,
  dagRunId: string,
  options?: RequestOptions,
): Promise<FailedTaskLog[]> {
  const failed = await resources.taskInstances
    .list(dagId, dagRunId, { state: ['failed'] }, options)
    .toArray();
  const logs: FailedTaskLog[] = [];
  for (const taskInstance of failed) {
    // try_number is the attempt that ran last; 0 means it never started (and has no log).
    const tryNumber = taskInstance.try_number;
    if (tryNumber < 1) continue;
    const log = await resources.logs.text(
      {
        dagId,
        dagRunId,
        taskId: taskInstance.task_id,
        tryNumber,
        mapIndex: taskInstance.map_index,
      },
      options,
    );
    logs.push({ taskInstance, tryNumber, log });
  }
  return logs;
}
