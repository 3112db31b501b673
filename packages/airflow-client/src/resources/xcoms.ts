import type { RequestOptions } from '../core/http-client.js';
import type { PagePromise } from '@datapark/http';
import type {
  ListQuery,
  QueryOf,
  XCom,
  XComCreateBody,
  XComEntry,
  XComUpdateBody,
} from '../types.js';
import { Resource, seg } from './resource.js';

/** One task instance's XCom entries. */
export interface XComAddress {
  readonly dagId: string;
  readonly dagRunId: string;
  readonly taskId: string;
}

/** XComs: `/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries`. */
export class XComs extends Resource {
  /** Every XCom entry of a task instance (`'~'` in any part for all), paged behind the scenes. */
  list(
    address: XComAddress,
    query: ListQuery<'get_xcom_entries'> = {},
    options?: RequestOptions,
  ): PagePromise<XCom> {
    return this.paginate<XCom, 'xcom_entries'>(this.path(address), 'xcom_entries', query, options);
  }

  /**
   * One entry with its value (`deserialize: true` for the Python value as JSON).
   *
   * @example
   * ```ts
   * const entry = await client.xcoms.get({ dagId, dagRunId, taskId: 'extract' }, 'return_value', { deserialize: true });
   * entry.value; // what the task returned
   * ```
   */
  get(
    address: XComAddress,
    key: string,
    query: QueryOf<'get_xcom_entry'> = {},
    options?: RequestOptions,
  ): Promise<XComEntry> {
    return this.http.request({
      method: 'GET',
      path: `${this.path(address)}/${seg(key)}`,
      query,
      ...options,
    });
  }

  /** Never retried (a POST). */
  create(address: XComAddress, body: XComCreateBody, options?: RequestOptions): Promise<XComEntry> {
    return this.http.request({ method: 'POST', path: this.path(address), body, ...options });
  }

  update(
    address: XComAddress,
    key: string,
    body: XComUpdateBody,
    options?: RequestOptions,
  ): Promise<XComEntry> {
    return this.http.request({
      method: 'PATCH',
      path: `${this.path(address)}/${seg(key)}`,
      body,
      idempotent: true,
      ...options,
    });
  }

  delete(
    address: XComAddress,
    key: string,
    query: QueryOf<'delete_xcom_entry'> = {},
    options?: RequestOptions,
  ): Promise<void> {
    return this.http.request({
      method: 'DELETE',
      path: `${this.path(address)}/${seg(key)}`,
      query,
      ...options,
    });
  }

  private path({ dagId, dagRunId, taskId }: XComAddress): string {
    return `/api/v2/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}/taskInstances/${seg(taskId)}/xcomEntries`;
  }
}
