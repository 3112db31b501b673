import { httpRequest, PagePromise } from '@datapark/http';
import { json, localServer } from './local-server.js';

const ITEMS = ['a', 'b', 'c', 'd', 'e'];

/** A list endpoint with offset/limit paging, as Airflow's. */
async function listServer(reportTotal: boolean) {
  return localServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams;
    const offset = Number(query.get('offset'));
    const limit = Number(query.get('limit'));
    json(res, 200, {
      items: ITEMS.slice(offset, offset + limit),
      ...(reportTotal ? { total_entries: ITEMS.length } : {}),
    });
  });
}

function list(url: string) {
  return new PagePromise<string>(
    async ({ offset, limit }) => {
      const { json: body } = await httpRequest({ method: 'GET', url, query: { offset, limit } });
      const page = body as { items: string[]; total_entries?: number };
      return { items: page.items, totalEntries: page.total_entries };
    },
    { offset: 0, limit: 2 },
  );
}

describe('a PagePromise', () => {
  it('iterates every item of every page, and stops at the total without asking further', async () => {
    const server = await listServer(true);
    try {
      await expect(list(server.url).toArray()).resolves.toEqual(ITEMS);
      expect(server.seen.map((s) => s.url)).toEqual([
        '/?offset=0&limit=2',
        '/?offset=2&limit=2',
        '/?offset=4&limit=2',
      ]);
    } finally {
      await server.close();
    }
  });

  it('without a total, asks until a page comes back short', async () => {
    const server = await listServer(false);
    try {
      const seen: string[] = [];
      for await (const item of list(server.url)) seen.push(item);
      expect(seen).toEqual(ITEMS);
      expect(server.seen).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('is the first page when awaited, and requests nothing before', async () => {
    const server = await listServer(true);
    try {
      const pages = list(server.url);
      expect(server.seen).toHaveLength(0);
      const first = await pages;
      expect(first.items).toEqual(['a', 'b']);
      expect(first.totalEntries).toBe(5);
      expect(first.hasNextPage()).toBe(true);
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
