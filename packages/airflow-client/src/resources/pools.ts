import type { RequestOptions } from '../core/http-client.js';
import type { PagePromise } from '@datapark/http';
import type { ListQuery, Pool, PoolBody, PoolPatchBody } from '../types.js';
import { Resource, seg } from './resource.js';

/** Pools: `/api/v2/pools`. */
export class Pools extends Resource {
  /** Every pool matching the filters, paged behind the scenes. */
  list(query: ListQuery<'get_pools'> = {}, options?: RequestOptions): PagePromise<Pool> {
    return this.paginate<Pool, 'pools'>('/api/v2/pools', 'pools', query, options);
  }

  get(name: string, options?: RequestOptions): Promise<Pool> {
    return this.http.request({ method: 'GET', path: `/api/v2/pools/${seg(name)}`, ...options });
  }

  /**
   * {@link ConflictError} when the name exists. Never retried (a POST).
   *
   * @example
   * ```ts
   * await client.pools.create({ name: 'spark', slots: 2, description: 'one per worker' });
   * ```
   */
  create(body: PoolBody, options?: RequestOptions): Promise<Pool> {
    return this.http.request({ method: 'POST', path: '/api/v2/pools', body, ...options });
  }

  /**
   * Sets the fields given, leaving the others as they are; safe to repeat, so retried.
   * Airflow validates a pool's patch as a whole pool (name, slots and include_deferred all
   * required, whatever the update mask says), so the fields left out are filled in from the
   * pool as it is now.
   */
  async update(name: string, body: PoolPatchBody, options?: RequestOptions): Promise<Pool> {
    const current = await this.get(name, options);
    return this.http.request({
      method: 'PATCH',
      path: `/api/v2/pools/${seg(name)}`,
      query: { update_mask: Object.keys(body) },
      body: {
        pool: name,
        slots: current.slots,
        include_deferred: current.include_deferred,
        ...body,
      },
      idempotent: true,
      ...options,
    });
  }

  delete(name: string, options?: RequestOptions): Promise<void> {
    return this.http.request({ method: 'DELETE', path: `/api/v2/pools/${seg(name)}`, ...options });
  }
}
