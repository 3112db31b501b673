import { PagePromise } from '@datapark/http';
import type { HttpClient, RequestOptions } from '../core/http-client.js';

/** Airflow's default `maximum_page_limit`: asking for more gets this many anyway. */
export const DEFAULT_PAGE_SIZE = 100;

/** Base of every resource: the shared HTTP client and the list-to-iterator plumbing. */
export abstract class Resource {
  constructor(protected readonly http: HttpClient) {}

  /** The api-server this resource talks to. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /**
   * A paginated GET: `itemsKey` names the array in Airflow's collection response
   * (`dag_runs`, `variables`, …); `total_entries` tells when to stop.
   */
  protected paginate<Item, Key extends string>(
    path: string,
    itemsKey: Key,
    query: { readonly limit?: number | undefined } & object = {},
    options: RequestOptions = {},
  ): PagePromise<Item> {
    const { limit = DEFAULT_PAGE_SIZE, ...filters } = query;
    return new PagePromise<Item>(
      async (window) => {
        const body = await this.http.request<
          { readonly [K in Key]: readonly Item[] } & { readonly total_entries?: number | null }
        >({
          method: 'GET',
          path,
          query: { ...filters, limit: window.limit, offset: window.offset },
          ...options,
        });
        return { items: body[itemsKey], totalEntries: body.total_entries };
      },
      { offset: 0, limit },
    );
  }
}

/** Encodes one path segment (DAG ids and run ids may carry `:` and `+`). */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
