import type { RequestOptions } from '../core/http-client.js';
import type { PagePromise } from '@datapark/http';
import type { Connection, ConnectionBody, ListQuery } from '../types.js';
import { Resource, seg } from './resource.js';

/** Connections: `/api/v2/connections`. Passwords go in and never come back out. */
export class Connections extends Resource {
  /** Every connection matching the filters, paged behind the scenes. */
  list(
    query: ListQuery<'get_connections'> = {},
    options?: RequestOptions,
  ): PagePromise<Connection> {
    return this.paginate<Connection, 'connections'>(
      '/api/v2/connections',
      'connections',
      query,
      options,
    );
  }

  get(connectionId: string, options?: RequestOptions): Promise<Connection> {
    return this.http.request({
      method: 'GET',
      path: `/api/v2/connections/${seg(connectionId)}`,
      ...options,
    });
  }

  /**
   * {@link ConflictError} when the id exists. Never retried (a POST).
   *
   * @example
   * ```ts
   * await client.connections.create({ connection_id: 'datapark_postgres', conn_type: 'postgres', host: '127.0.0.1', port: 15432 });
   * ```
   */
  create(body: ConnectionBody, options?: RequestOptions): Promise<Connection> {
    return this.http.request({ method: 'POST', path: '/api/v2/connections', body, ...options });
  }

  /**
   * Sets the fields given (an `update_mask` of their names), leaving the others as they are;
   * safe to repeat, so retried.
   */
  update(
    connectionId: string,
    body: Partial<Omit<ConnectionBody, 'connection_id'>> & Pick<ConnectionBody, 'conn_type'>,
    options?: RequestOptions,
  ): Promise<Connection> {
    return this.http.request({
      method: 'PATCH',
      path: `/api/v2/connections/${seg(connectionId)}`,
      query: { update_mask: Object.keys(body) },
      body: { connection_id: connectionId, ...body },
      idempotent: true,
      ...options,
    });
  }

  delete(connectionId: string, options?: RequestOptions): Promise<void> {
    return this.http.request({
      method: 'DELETE',
      path: `/api/v2/connections/${seg(connectionId)}`,
      ...options,
    });
  }
}
