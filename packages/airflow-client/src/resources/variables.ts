import type { RequestOptions } from '../core/http-client.js';
import type { PagePromise } from '@datapark/http';
import type { ListQuery, Variable, VariableBody } from '../types.js';
import { Resource, seg } from './resource.js';

/** Variables: `/api/v2/variables`. Values are strings; Airflow stores JSON as its text. */
export class Variables extends Resource {
  /**
   * Every variable matching the filters, paged behind the scenes.
   *
   * @example
   * ```ts
   * for await (const v of client.variables.list({ variable_key_prefix_pattern: 'etl_' })) console.log(v.key, v.value);
   * ```
   */
  list(query: ListQuery<'get_variables'> = {}, options?: RequestOptions): PagePromise<Variable> {
    return this.paginate<Variable, 'variables'>('/api/v2/variables', 'variables', query, options);
  }

  get(key: string, options?: RequestOptions): Promise<Variable> {
    return this.http.request({ method: 'GET', path: `/api/v2/variables/${seg(key)}`, ...options });
  }

  /** {@link ConflictError} when the key exists. Never retried (a POST). */
  create(body: VariableBody, options?: RequestOptions): Promise<Variable> {
    return this.http.request({ method: 'POST', path: '/api/v2/variables', body, ...options });
  }

  /** Replaces the value (and description); safe to repeat, so retried. */
  update(
    key: string,
    body: Omit<VariableBody, 'key'>,
    options?: RequestOptions,
  ): Promise<Variable> {
    return this.http.request({
      method: 'PATCH',
      path: `/api/v2/variables/${seg(key)}`,
      body: { key, ...body },
      idempotent: true,
      ...options,
    });
  }

  delete(key: string, options?: RequestOptions): Promise<void> {
    return this.http.request({
      method: 'DELETE',
      path: `/api/v2/variables/${seg(key)}`,
      ...options,
    });
  }
}
