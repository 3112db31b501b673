import type { RequestOptions } from '../core/http-client.js';
import type { PagePromise } from '@datapark/http';
import type { ListQuery, TaskInstance } from '../types.js';
import { Resource, seg } from './resource.js';

/** Task instances of a run: `/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances`. */
export class TaskInstances extends Resource {
  /**
   * Every task instance of a run matching the filters, paged behind the scenes.
   *
   * @example
   * ```ts
   * const failed = await client.taskInstances.list(dagId, runId, { state: ['failed'] }).toArray();
   * ```
   */
  list(
    dagId: string,
    dagRunId: string,
    query: ListQuery<'get_task_instances'> = {},
    options?: RequestOptions,
  ): PagePromise<TaskInstance> {
    return this.paginate<TaskInstance, 'task_instances'>(
      `/api/v2/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}/taskInstances`,
      'task_instances',
      query,
      options,
    );
  }

  get(
    dagId: string,
    dagRunId: string,
    taskId: string,
    options?: RequestOptions,
  ): Promise<TaskInstance> {
    return this.http.request({
      method: 'GET',
      path: `/api/v2/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}/taskInstances/${seg(taskId)}`,
      ...options,
    });
  }
}
