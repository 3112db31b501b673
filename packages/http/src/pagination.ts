// Offset pagination as async iteration, the shape of openai-node's src/core/pagination.ts: a
// list call returns a PagePromise, which is both a promise of the first Page and an async
// iterable of every item across all pages. An SDK supplies the fetch of one page.

export interface PageWindow {
  readonly offset: number;
  readonly limit: number;
}

export interface PageData<Item> {
  readonly items: readonly Item[];
  /** How many items the whole query has, when the server reports it (Airflow's `total_entries`). */
  readonly totalEntries: number | null | undefined;
}

export type PageFetcher<Item> = (window: PageWindow) => Promise<PageData<Item>>;

/** One page of a list, and the way to the next. */
export class Page<Item> implements AsyncIterable<Item> {
  readonly items: readonly Item[];
  readonly totalEntries: number | null | undefined;

  constructor(
    data: PageData<Item>,
    readonly window: PageWindow,
    private readonly fetchPage: PageFetcher<Item>,
  ) {
    this.items = data.items;
    this.totalEntries = data.totalEntries;
  }

  hasNextPage(): boolean {
    if (this.items.length === 0) return false;
    if (typeof this.totalEntries === 'number') {
      return this.window.offset + this.items.length < this.totalEntries;
    }
    return this.items.length >= this.window.limit;
  }

  /** The following page. The offset moves by what came back: the server may cap `limit`. */
  async getNextPage(): Promise<Page<Item>> {
    const window = { offset: this.window.offset + this.items.length, limit: this.window.limit };
    return new Page(await this.fetchPage(window), window, this.fetchPage);
  }

  /** This page and every one after it. */
  async *iterPages(): AsyncGenerator<Page<Item>> {
    yield this;
    let page = this.hasNextPage() ? await this.getNextPage() : undefined;
    while (page) {
      yield page;
      page = page.hasNextPage() ? await page.getNextPage() : undefined;
    }
  }

  /** Every item from this page on, fetching pages as the loop needs them. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.iterPages()) yield* page.items;
  }
}

/**
 * What a list call returns. `await` it for the first {@link Page}; `for await` over it for
 * every item of every page. Nothing is requested until one of the two happens.
 *
 * @example
 * ```ts
 * const runs = new PagePromise<DagRun>(async ({ offset, limit }) => {
 *   const { json } = await httpRequest({ method: 'GET', url, query: { offset, limit } });
 *   const body = json as { dag_runs: DagRun[]; total_entries: number };
 *   return { items: body.dag_runs, totalEntries: body.total_entries };
 * }, { offset: 0, limit: 100 });
 * for await (const run of runs) console.log(run.dag_run_id); // every page, fetched as needed
 * const first = await runs; // the first Page: .items, .totalEntries, .getNextPage()
 * ```
 */
export class PagePromise<Item> implements PromiseLike<Page<Item>>, AsyncIterable<Item> {
  private first: Promise<Page<Item>> | undefined;

  constructor(
    private readonly fetchPage: PageFetcher<Item>,
    private readonly window: PageWindow,
  ) {}

  private load(): Promise<Page<Item>> {
    this.first ??= this.fetchPage(this.window).then(
      (data) => new Page(data, this.window, this.fetchPage),
    );
    return this.first;
  }

  then<A = Page<Item>, B = never>(
    onfulfilled?: ((page: Page<Item>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.load().then(onfulfilled, onrejected);
  }

  catch<B = never>(
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<Page<Item> | B> {
    return this.load().catch(onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    yield* await this.load();
  }

  /** Every item of every page, in one array. */
  async toArray(): Promise<Item[]> {
    const all: Item[] = [];
    for await (const item of this) all.push(item);
    return all;
  }
}
