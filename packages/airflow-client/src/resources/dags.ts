import type { RequestOptions } from '../core/http-client.js';
import type { PagePromise } from '@datapark/http';
import type { Dag, DagSource, DagTask, ListQuery } from '../types.js';
import { Resource, seg } from './resource.js';

/** DAGs: `/api/v2/dags`. */
export class Dags extends Resource {
  /**
   * Every DAG matching the filters, paged behind the scenes.
   *
   * @example
   * ```ts
   * for await (const dag of client.dags.list({ tags: ['datapark'] })) console.log(dag.dag_id, dag.is_paused);
   * ```
   */
  list(query: ListQuery<'get_dags'> = {}, options?: RequestOptions): PagePromise<Dag> {
    return this.paginate<Dag, 'dags'>('/api/v2/dags', 'dags', query, options);
  }

  /** One DAG; {@link NotFoundError} until the dag-processor has parsed its file. */
  get(dagId: string, options?: RequestOptions): Promise<Dag> {
    return this.http.request({ method: 'GET', path: `/api/v2/dags/${seg(dagId)}`, ...options });
  }

  /**
   * The DAG's tasks as its file defines them (as last parsed), each with its
   * `downstream_task_ids`: what a DAG's shape is checked against.
   *
   * @example
   * ```ts
   * const tasks = await client.dags.tasks('datapark_batch_etl');
   * tasks.map((t) => `${t.task_id} >> ${t.downstream_task_ids.join(', ')}`);
   * ```
   */
  async tasks(dagId: string, options?: RequestOptions): Promise<readonly DagTask[]> {
    const { tasks } = await this.http.request<{ readonly tasks: readonly DagTask[] }>({
      method: 'GET',
      path: `/api/v2/dags/${seg(dagId)}/tasks`,
      ...options,
    });
    return tasks;
  }

  /**
   * The DAG file's text as Airflow last parsed it (its latest version): compare it with the
   * file on disk to know whether a change has been picked up yet.
   */
  source(dagId: string, options?: RequestOptions): Promise<DagSource> {
    return this.http.request({
      method: 'GET',
      path: `/api/v2/dagSources/${seg(dagId)}`,
      headers: { accept: 'application/json' },
      ...options,
    });
  }

  /** Pauses a DAG (no new scheduled runs). Setting a flag is safe to repeat, so it is retried. */
  pause(dagId: string, options?: RequestOptions): Promise<Dag> {
    return this.setPaused(dagId, true, options);
  }

  /** Unpauses a DAG, which a triggered run needs before the scheduler starts it. */
  unpause(dagId: string, options?: RequestOptions): Promise<Dag> {
    return this.setPaused(dagId, false, options);
  }

  /** Deletes a DAG's metadata (runs, task instances); its file is parsed again later. */
  delete(dagId: string, options?: RequestOptions): Promise<void> {
    return this.http.request({ method: 'DELETE', path: `/api/v2/dags/${seg(dagId)}`, ...options });
  }

  private setPaused(dagId: string, isPaused: boolean, options?: RequestOptions): Promise<Dag> {
    return this.http.request({
      method: 'PATCH',
      path: `/api/v2/dags/${seg(dagId)}`,
      query: { update_mask: ['is_paused'] },
      body: { is_paused: isPaused },
      idempotent: true,
      ...options,
    });
  }
}
