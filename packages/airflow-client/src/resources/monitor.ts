import type { RequestOptions } from '../core/http-client.js';
import type { HealthInfo } from '../types.js';
import { Resource } from './resource.js';

/** Health of the metadata database, scheduler, triggerer and dag-processor. */
export class Monitor extends Resource {
  /**
   * @example
   * ```ts
   * const health = await client.monitor.health();
   * health.scheduler.status; // 'healthy'
   * ```
   */
  health(options?: RequestOptions): Promise<HealthInfo> {
    return this.http.request({
      method: 'GET',
      path: '/api/v2/monitor/health',
      authenticate: false,
      ...options,
    });
  }
}
