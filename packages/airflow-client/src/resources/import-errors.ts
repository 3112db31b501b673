import type { PagePromise } from '@datapark/http';
import type { RequestOptions } from '../core/http-client.js';
import type { ImportError, ListQuery } from '../types.js';
import { Resource } from './resource.js';

/**
 * DAG files that failed to import: `/api/v2/importErrors`. A DAG whose file has one is missing
 * from `dags.list()` until the file is fixed; `stack_trace` says why.
 */
export class ImportErrors extends Resource {
  /**
   * Every import error, paged behind the scenes.
   *
   * @example
   * ```ts
   * for await (const e of client.importErrors.list()) console.log(e.bundle_name, e.filename, e.stack_trace);
   * ```
   */
  list(
    query: ListQuery<'get_import_errors'> = {},
    options?: RequestOptions,
  ): PagePromise<ImportError> {
    return this.paginate<ImportError, 'import_errors'>(
      '/api/v2/importErrors',
      'import_errors',
      query,
      options,
    );
  }

  /** One import error by its id; {@link NotFoundError} once its file imports again. */
  get(importErrorId: number, options?: RequestOptions): Promise<ImportError> {
    return this.http.request({
      method: 'GET',
      path: `/api/v2/importErrors/${importErrorId}`,
      ...options,
    });
  }
}
