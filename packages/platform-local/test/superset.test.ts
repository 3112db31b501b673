import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { findWorkspaceRoot, loadConfig } from '@datapark/config';
import { supersetPaths } from '../src/superset/paths.js';
import { supersetServerArgs } from '../src/superset/server.js';
import { readerGrantStatements, SUPERSET_READER_ROLE } from '../src/superset/postgres-roles.js';
import {
  CHART_HOLDERS,
  CHART_STATES,
  HeadlessChromium,
  logInToSuperset,
} from '@datapark/ui-testing';
import type { ChartState } from '@datapark/ui-testing';

const ROOT = findWorkspaceRoot(import.meta.dirname)!;
/** Where the screenshots land (ignored by git). */
const OUTPUT = join(ROOT, 'test-output', 'superset');
/** The dashboards as code under packages/platform-local/superset/assets. */
const SHOP = { slug: 'shop', charts: 6 };
/**
 * Quality check results (dbt's and the ETL driver's), ETL job runs, rows landed and dead letters,
 * beside the shop.
 */
const HEALTH = { slug: 'pipeline-health', charts: 6 };
/** Data at rest: the test data's day, whenever these tests run. */
const DASHBOARDS = [SHOP, HEALTH];
/**
 * The streaming job's last 30 minutes, refreshed every 10 seconds: its data exists only while the
 * job runs, so apps/spark-jobs/test/streaming.test.ts checks it, with the job running.
 */
const STREAMING = { slug: 'streaming', charts: 6 };
const EVERY_DASHBOARD = [...DASHBOARDS, STREAMING];
/** An item of a dashboard's layout (its `position`). */
interface PositionItem {
  readonly type?: string;
  readonly meta?: { readonly uuid: string };
}

describe("Superset's configuration", () => {
  it('serves on the configured loopback address with one threaded worker', () => {
    const args = supersetServerArgs(new URL('http://127.0.0.1:18088'));
    expect(args.slice(0, 2)).toEqual(['--bind', '127.0.0.1:18088']);
    expect(args.join(' ')).toContain('--workers 1 --worker-class gthread');
  });

  it('keeps the dashboards as code whole: every chart placed exists, has a dataset and a query context', () => {
    const { dashboards } = supersetPaths({ dir: '', logDir: '', workspaceRoot: ROOT });
    const read = (folder: string) =>
      readdirSync(join(dashboards, folder), { recursive: true })
        .map(String)
        .filter((name) => name.endsWith('.yaml'))
        .map(
          (name) =>
            parse(readFileSync(join(dashboards, folder, name), 'utf8')) as Record<string, string>,
        );
    const [database] = read('databases');
    const datasets = read('datasets');
    const charts = read('charts');
    const dashboards_ = read('dashboards');
    // No host, port or password of anybody's platform in the repository.
    expect(database!['sqlalchemy_uri']).toContain(':XXXXXXXXXX@');
    expect(datasets.every((d) => d['database_uuid'] === database!['uuid'])).toBe(true);
    const datasetIds = new Set(datasets.map((d) => d['uuid']));
    for (const chart of charts) {
      expect([chart['slice_name'], datasetIds.has(chart['dataset_uuid'])]).toEqual([
        chart['slice_name'],
        true,
      ]);
      const context = JSON.parse(chart['query_context'] ?? '{}') as { queries?: unknown[] };
      expect([chart['slice_name'], context.queries?.length]).toEqual([chart['slice_name'], 1]);
    }
    const placedOn = (slug: string) =>
      Object.values(
        dashboards_.find((d) => d['slug'] === slug)!['position'] as unknown as Record<
          string,
          PositionItem
        >,
      )
        .filter((item) => item?.type === 'CHART')
        .map((item) => item.meta!.uuid);
    expect(dashboards_.map((d) => d['slug']).sort()).toEqual(
      EVERY_DASHBOARD.map((d) => d.slug).sort(),
    );
    for (const { slug, charts: count } of EVERY_DASHBOARD)
      expect([slug, placedOn(slug).length]).toEqual([slug, count]);
    const placed = EVERY_DASHBOARD.flatMap(({ slug }) => placedOn(slug));
    expect(placed.sort()).toEqual(charts.map((c) => c['uuid']).sort());
    // The import overwrites by uuid: a uuid used twice would turn one asset into the other.
    const uuids = [database!, ...datasets, ...charts, ...dashboards_].map((a) => a['uuid']);
    expect(uuids.filter((uuid, i) => uuids.indexOf(uuid) !== i)).toEqual([]);
  });

  it('grants the reader SELECT on analytics, processed and the pipeline-health tables and view, read-only, and nothing else', () => {
    const statements = readerGrantStatements('datapark');
    expect(statements).toContain(
      `GRANT SELECT ON ALL TABLES IN SCHEMA "analytics", "processed" TO "${SUPERSET_READER_ROLE}"`,
    );
    expect(statements).toContain(
      `GRANT SELECT ON "quality"."check_results", "quality"."checks", "etl"."job_runs", "etl"."dead_letters", "etl"."landed_per_hour" TO "${SUPERSET_READER_ROLE}"`,
    );
    // No schema-wide read of quality or etl, now or for tables made later.
    expect(statements.filter((s) => /GRANT/.test(s) && /"(quality|etl)"/.test(s))).toEqual([
      `GRANT USAGE ON SCHEMA "analytics", "processed", "quality", "etl" TO "${SUPERSET_READER_ROLE}"`,
      `GRANT SELECT ON "quality"."check_results", "quality"."checks", "etl"."job_runs", "etl"."dead_letters", "etl"."landed_per_hour" TO "${SUPERSET_READER_ROLE}"`,
    ]);
    expect(statements.join('\n')).not.toMatch(/INSERT|UPDATE|DELETE|CREATE|raw|source/);
  });
});

// Against the running platform's Superset (the endpoints file), as a learner sees it.
describe('the platform’s Superset', () => {
  const config = loadConfig();
  const base = config.superset.url;
  let token = '';

  const api = async (path: string): Promise<Record<string, unknown>> => {
    const response = await fetch(new URL(path, base), {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    if (!config.superset.password)
      throw new Error(
        'no superset.password in the endpoints file: start Superset (npx nx run platform:up -- --only postgres,superset)',
      );
    const health = await fetch(new URL('/health', base)).catch((error: Error) => error);
    if (health instanceof Error || !health.ok)
      throw new Error(
        `Superset does not answer at ${base}/health: start it (npx nx run platform:up -- --only postgres,superset)`,
      );
    const login = await fetch(new URL('/api/v1/security/login', base), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: config.superset.username,
        password: config.superset.password,
        provider: 'db',
      }),
    });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { access_token: string }).access_token;
  });

  it('writes the login’s username beside its password in the endpoints file, so a script reading the file logs in', () => {
    const file = JSON.parse(readFileSync(join(config.stateDir, 'endpoints.json'), 'utf8')) as {
      superset?: { username?: string };
    };
    expect(file.superset?.username).toBe(config.superset.username);
  });

  it('refuses the API without a login and with a wrong password', async () => {
    const anonymous = await fetch(new URL('/api/v1/dashboard/', base));
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(new URL('/api/v1/security/login', base), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: config.superset.username,
        password: 'not-it',
        provider: 'db',
      }),
    });
    expect(wrong.status).toBe(401);
  });

  it("refuses the event log of a page with no login and leaves that page's session cookie as it was", async () => {
    // What the login page sends as it unloads, beside the login's own POST: Superset's answer
    // (a redirect and a new anonymous cookie) replaced the fresh login's cookie when it came
    // second, and the browser was logged out again (superset_config.py's FLASK_APP_MUTATOR).
    const login = await fetch(new URL('/login/', base));
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]!);
    expect(cookie.some((c) => c.startsWith('session='))).toBe(true);
    const beacon = await fetch(new URL('/superset/log/?explode=events', base), {
      method: 'POST',
      headers: { Cookie: cookie.join('; '), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ events: '[]' }),
      redirect: 'manual',
    });
    expect({ status: beacon.status, setCookie: beacon.headers.getSetCookie() }).toEqual({
      status: 401,
      setCookie: [],
    });
  });

  it('lets its pages load nothing from beyond Superset: the Content-Security-Policy names no other host', async () => {
    const page = await fetch(new URL('/login/', base));
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    // Superset's default allows Scarf's telemetry pixel, map tiles and web fonts.
    expect(policy).not.toMatch(/scarf|https?:\/\/|mapbox|openstreetmap|googleapis/);
  });

  it.each(DASHBOARDS)(
    'returns rows for every chart of the $slug dashboard through /api/v1/chart/{id}/data',
    async (dashboard) => {
      const charts = (await api(`/api/v1/dashboard/${dashboard.slug}/charts`))['result'] as {
        id: number;
        slice_name: string;
      }[];
      expect(charts).toHaveLength(dashboard.charts);
      for (const chart of charts) {
        const body = await api(`/api/v1/chart/${chart.id}/data/`);
        const [result] = body['result'] as { rowcount: number; data: Record<string, unknown>[] }[];
        expect({ chart: chart.slice_name, rows: result!.rowcount > 0 }).toEqual({
          chart: chart.slice_name,
          rows: true,
        });
        const numbers = result!.data.flatMap((row) =>
          Object.values(row).filter((value) => typeof value === 'number'),
        );
        expect({ chart: chart.slice_name, numbers: numbers.length > 0 }).toEqual({
          chart: chart.slice_name,
          numbers: true,
        });
      }
    },
  );

  it('queries the data as superset_reader, which reads analytics, processed, quality and etl and writes nothing', async () => {
    const databases = (await api('/api/v1/database/'))['result'] as {
      id: number;
      database_name: string;
    }[];
    const datapark = databases.find((d) => d.database_name === 'Data Park');
    expect(datapark).toBeDefined();
    const connection = (await api(`/api/v1/database/${datapark!.id}/connection`))['result'] as {
      sqlalchemy_uri: string;
    };
    expect(new URL(connection.sqlalchemy_uri.replace(/^[^:]+:/, 'postgres:')).username).toBe(
      SUPERSET_READER_ROLE,
    );

    const { host, port, database } = config.postgres;
    const reader = new pg.Client({
      host,
      port,
      database,
      user: SUPERSET_READER_ROLE,
      password: config.superset.readerPassword,
    });
    await reader.connect();
    try {
      // The zone Superset's relative time ranges are computed in (supersetEnv's TZ).
      expect(
        (await reader.query<{ zone: string }>("SELECT current_setting('TimeZone') AS zone"))
          .rows[0]!.zone,
      ).toBe('UTC');
      await reader.query('SELECT 1 FROM analytics.fct_funnel LIMIT 1');
      await reader.query('SELECT 1 FROM processed.daily_sales LIMIT 1');
      await reader.query('SELECT 1 FROM quality.check_results LIMIT 1');
      await reader.query('SELECT 1 FROM etl.job_runs LIMIT 1');
      await reader.query('SELECT 1 FROM etl.dead_letters LIMIT 1');
      // Counts per topic and hour through the view, though the raw tables stay closed (below).
      await reader.query('SELECT 1 FROM etl.landed_per_hour LIMIT 1');
      // Ingest's offsets are not the dashboards' business.
      await expect(reader.query('SELECT 1 FROM etl.consumer_offsets LIMIT 1')).rejects.toThrow(
        /permission denied/,
      );
      await expect(reader.query('SELECT 1 FROM raw.order_events LIMIT 1')).rejects.toThrow(
        /permission denied/,
      );
      await expect(reader.query('DELETE FROM processed.daily_sales WHERE false')).rejects.toThrow(
        /read-only transaction|permission denied/,
      );
    } finally {
      await reader.end();
    }
  });

  it('shows every chart of the shop and pipeline-health dashboards with data in headless Chromium', async () => {
    const browser = await HeadlessChromium.launch();
    // Every request for a host beyond Superset, and what became of it: the policy blocks them.
    const beyond: { url: string; outcome: string }[] = [];
    browser.page.on('requestfailed', (request) => {
      if (new URL(request.url()).origin !== new URL(base).origin)
        beyond.push({ url: request.url(), outcome: request.failure()?.errorText ?? 'failed' });
    });
    browser.page.on('requestfinished', (request) => {
      if (new URL(request.url()).origin !== new URL(base).origin)
        beyond.push({ url: request.url(), outcome: 'sent' });
    });
    try {
      await logInToSuperset(browser, {
        url: base,
        username: config.superset.username,
        password: config.superset.password!,
      });

      for (const dashboard of DASHBOARDS) {
        await browser.open(new URL(`/superset/dashboard/${dashboard.slug}/`, base).href);
        await browser.waitFor(
          `document.querySelectorAll('${CHART_HOLDERS}').length === ${dashboard.charts}`,
          90_000,
          `${dashboard.charts} chart holders on the ${dashboard.slug} dashboard`,
        );
        // Until every chart drew or one shows a problem (then the assertion below names it).
        try {
          await browser.waitFor(
            `${CHART_STATES}.every((c) => c.drawn && !c.loading) || ${CHART_STATES}.some((c) => c.problem)`,
            120_000,
            'every chart to draw its data',
          );
        } finally {
          mkdirSync(OUTPUT, { recursive: true });
          writeFileSync(
            join(OUTPUT, `${dashboard.slug}-dashboard.png`),
            await browser.screenshot(),
          );
        }
        const charts = await browser.evaluate<ChartState[]>(CHART_STATES);
        expect(charts.filter((c) => !c.drawn || c.problem)).toEqual([]);
      }
      // Logged in still, after both dashboards (the login's session was not replaced).
      expect(new URL(browser.page.url()).pathname).not.toMatch(/^\/login/);
      expect(beyond.filter((r) => !/^(csp|net::ERR_BLOCKED_BY_CSP)$/.test(r.outcome))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 600_000);
});
