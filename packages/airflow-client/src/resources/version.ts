import type { RequestOptions } from '../core/http-client.js';
import type { VersionInfo } from '../types.js';
import { Resource } from './resource.js';

/** The Airflow version the api-server runs. */
export class Version extends Resource {
  /**
   * @example
   * ```ts
   * (await client.version.get()).version; // '3.3.2'
   * ```
   */
  get(options?: RequestOptions): Promise<VersionInfo> {
    return this.http.request({ method: 'GET', path: '/api/v2/version', ...options });
  }
}
