import type { RequestOptions } from '../core/http-client.js';
import type { PagePromise } from '@datapark/http';
import type { DagRun, DagRunPatchBody, ListQuery, TriggerDagRunBody } from '../types.js';
import { Resource, seg } from './resource.js';

/** What {@link DagRuns.trigger} takes: Airflow's body, with `logical_date` optional (null). */
export type TriggerOptions = Omit<TriggerDagRunBody, 'logical_date'> & {
  readonly logical_date?: string | null;
};

/** DAG runs: `/api/v2/dags/{dag_id}/dagRuns`. */
export class DagRuns extends Resource {
  /**
   * Every run of a DAG (`'~'` for all DAGs) matching the filters, paged behind the scenes.
   *
   * @example
   * ```ts
   * for await (const run of client.dagRuns.list('datapark_batch_etl', { state: ['failed'], order_by: ['-start_date'] })) {
   *   console.log(run.dag_run_id, run.state);
   * }
   * ```
   */
  list(
    dagId: string,
    query: ListQuery<'get_dag_runs'> = {},
    options?: RequestOptions,
  ): PagePromise<DagRun> {
    return this.paginate<DagRun, 'dag_runs'>(
      `/api/v2/dags/${seg(dagId)}/dagRuns`,
      'dag_runs',
      query,
      options,
    );
  }

  get(dagId: string, dagRunId: string, options?: RequestOptions): Promise<DagRun> {
    return this.http.request({
      method: 'GET',
      path: `/api/v2/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}`,
      ...options,
    });
  }

  /**
   * Creates a run (queued; the scheduler starts it once the DAG is unpaused). A POST, so
   * never retried after it may have reached the server: a second one would start a second run.
   *
   * @example
   * ```ts
   * const run = await client.dagRuns.trigger('datapark_batch_etl', { conf: { date: '2026-11-01' } });
   * run.state; // 'queued'
   * ```
   */
  trigger(dagId: string, body: TriggerOptions = {}, options?: RequestOptions): Promise<DagRun> {
    return this.http.request({
      method: 'POST',
      path: `/api/v2/dags/${seg(dagId)}/dagRuns`,
      body: { logical_date: null, ...body },
      ...options,
    });
  }

  /** Sets a run's state (`success`, `failed`, `queued`) or note. */
  update(
    dagId: string,
    dagRunId: string,
    body: DagRunPatchBody,
    options?: RequestOptions,
  ): Promise<DagRun> {
    return this.http.request({
      method: 'PATCH',
      path: `/api/v2/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}`,
      body,
      idempotent: true,
      ...options,
    });
  }

  delete(dagId: string, dagRunId: string, options?: RequestOptions): Promise<void> {
    return this.http.request({
      method: 'DELETE',
      path: `/api/v2/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}`,
      ...options,
    });
  }
}
