import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findWorkspaceRoot, loadConfig } from '@datapark/config';
import { createDb } from '@datapark/db';
import type { EventOf } from '@datapark/events';
import { buildEvent, sampleEvents } from '@datapark/events';
import type { PartitionOffsets } from '@datapark/kafka';
import {
  connectionFromConfig,
  createKafka,
  EventProducer,
  readRange,
  topicEndOffsets,
} from '@datapark/kafka';
import type { SparkJobFailedError } from '@datapark/spark-client';
import { SparkRestClient } from '@datapark/spark-client';
import type { ChartState } from '@datapark/ui-testing';
import {
  CHART_HOLDERS,
  CHART_STATES,
  HeadlessChromium,
  logInToSuperset,
} from '@datapark/ui-testing';
import { waitFor as waitForValue } from './wait-for.js';

const config = loadConfig();
const connection = connectionFromConfig(config, 'streaming-test');
const spark = SparkRestClient.fromConfig(config);
const analyst = createDb(config, 'analyst', { max: 2 });
const JOB = join(import.meta.dirname, '..', 'jobs', 'streaming_metrics.py');
const CHECKPOINT = join(config.stateDir, 'spark', 'checkpoints', `streaming-test-${randomUUID()}`);

// A one-minute window two minutes back: well inside the job's 10-minute watermark.
const WINDOW = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000);
const inWindow = () =>
  new Date(WINDOW.getTime() + Math.floor(Math.random() * 59_000)).toISOString();
const SESSION = randomUUID();

let producer: EventProducer;
let driver: string | undefined;
/**
 * Where the topics ended when the test began: the job starts there, not at the earliest offset
 * (a fresh checkpoint would otherwise replay every record other suites and runs ever produced,
 * minutes of work on a platform in use), and the truth below counts from there too.
 */
let start: { 'order-events': PartitionOffsets; clickstream: PartitionOffsets };

beforeAll(async () => {
  producer = await EventProducer.connect(connection, { compression: 'none' });
  start = {
    'order-events': await topicEndOffsets(connection, 'order-events'),
    clickstream: await topicEndOffsets(connection, 'clickstream'),
  };
});

afterAll(async () => {
  if (driver) await spark.kill(driver).catch(() => undefined);
  await producer.disconnect();
  await analyst.destroy();
});

function orders(n: number): EventOf<'order-events'>[] {
  return Array.from({ length: n }, (_, i) => {
    const order = sampleEvents.order({ total_amount: `${10 + i}.25` });
    return { ...order, occurred_at: inWindow() };
  });
}

function clicks(
  kinds: ('page_view' | 'add_to_cart' | 'checkout_started')[],
): EventOf<'clickstream'>[] {
  return kinds.map((kind) => {
    const common = { session_id: SESSION, customer_id: null };
    const envelope = { occurred_at: inWindow() };
    if (kind === 'page_view')
      return buildEvent(
        'clickstream',
        'page_view',
        { ...common, page: '/', referrer: null },
        envelope,
      );
    if (kind === 'add_to_cart')
      return buildEvent(
        'clickstream',
        'add_to_cart',
        { ...common, product_id: randomUUID(), quantity: 1 },
        envelope,
      );
    return buildEvent(
      'clickstream',
      'checkout_started',
      { ...common, cart_value: '10.00', items_count: 1 },
      envelope,
    );
  });
}

/**
 * order_placed count and revenue in the window, from every record in Kafka since the job's
 * starting offsets (what it reads, whoever produced it): the truth.
 */
async function expectedFromKafka(
  window: Date = WINDOW,
): Promise<{ events_count: number; revenue: string }> {
  const records = await readRange(connection, 'order-events', start['order-events']);
  let count = 0;
  let cents = 0;
  for (const { message } of records) {
    // Other suites leave poison records on the topic for their dead-letter tests; the job's
    // from_json turns those into nulls and drops them, and so does this count.
    let event: EventOf<'order-events'>;
    try {
      event = JSON.parse(message.value?.toString() ?? '') as EventOf<'order-events'>;
    } catch {
      continue;
    }
    if (typeof event !== 'object' || event === null) continue;
    const at = Date.parse(event.occurred_at);
    if (
      event.event_type === 'order_placed' &&
      at >= window.getTime() &&
      at < window.getTime() + 60_000
    ) {
      count++;
      cents += Math.round(Number(event.payload.total_amount) * 100);
    }
  }
  return { events_count: count, revenue: (cents / 100).toFixed(2) };
}

async function metricsInWindow(window: Date = WINDOW) {
  return analyst
    .selectFrom('processed.realtime_order_metrics')
    .select(['events_count', 'revenue'])
    .where('window_start', '=', window)
    .where('event_type', '=', 'order_placed')
    .executeTakeFirst();
}

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 300_000) =>
  waitForValue(what, probe, timeoutMs, 2000);

async function startJob(): Promise<string> {
  const id = await spark.create(
    spark.pythonRequest({
      file: JOB,
      name: 'streaming-metrics-test',
      args: [
        '--checkpoint',
        CHECKPOINT,
        '--trigger-seconds',
        '3',
        // Used by the first start only: the restart resumes from the checkpoint's offsets.
        '--starting-offsets',
        JSON.stringify(
          Object.fromEntries(
            Object.entries(start).map(([topic, offsets]) => [topic, Object.fromEntries(offsets)]),
          ),
        ),
      ],
      env: { DATAPARK_STATE_DIR: config.stateDir },
    }),
  );
  await waitFor('the driver to run', async () =>
    (await spark.status(id)).driverState === 'RUNNING' ? true : undefined,
  );
  return id;
}

/** What the driver printed, from its stdout file on the worker that runs it. */
function driverStdout(id: string): string {
  const spark = join(config.stateDir, 'spark');
  for (const worker of readdirSync(spark).filter((d) => d.startsWith('worker-'))) {
    const file = join(spark, worker, id, 'stdout');
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  return '';
}

/**
 * Records a producer that skips validation could write, none of which may stop the job and all
 * of which it sets aside: not JSON, JSON of another shape, an order_placed with no usable time,
 * one with year 0, one whose amount is "NaN", a JSON string of 900 kB and JSON null.
 */
async function producePoison(): Promise<number> {
  const plain = createKafka(connection).producer();
  await plain.connect();
  const values = [
    '{"not json',
    JSON.stringify({ event_type: 'order_placed' }),
    JSON.stringify({ ...orders(1)[0], occurred_at: 'yesterday' }),
    // An amount that is not Money (outside the window the test sums, should it be counted).
    JSON.stringify({
      ...orders(1)[0],
      occurred_at: new Date(WINDOW.getTime() - 180_000).toISOString(),
      payload: { ...orders(1)[0]!.payload, total_amount: 'NaN' },
    }),
    // Year 0: Spark reads it, PostgreSQL refuses it.
    JSON.stringify({ ...orders(1)[0], occurred_at: '0000-01-01T00:00:00Z' }),
    JSON.stringify('x'.repeat(900_000)),
    'null',
  ];
  await plain.send({
    topic: 'order-events',
    acks: -1,
    messages: values.map((value) => ({ key: randomUUID(), value })),
  });
  await plain.disconnect();
  return values.length;
}

async function stopJob(id: string): Promise<void> {
  await spark.kill(id);
  const ended = await spark.waitFor(id, { timeoutMs: 120_000 }).catch((e: unknown) => e);
  expect((ended as SparkJobFailedError).driverState).toBe('KILLED');
}

describe('the streaming job on the real cluster', () => {
  it('picks up new events, and after a kill and restart neither loses nor double counts', async () => {
    await producer.send('order-events', orders(30));
    await producer.send('clickstream', clicks(['page_view', 'page_view', 'add_to_cart']));
    driver = await startJob();

    let expected = await expectedFromKafka();
    expect(expected.events_count).toBeGreaterThanOrEqual(30);
    await waitFor('the first metrics', async () => {
      const row = await metricsInWindow();
      return row && row.events_count === expected.events_count && row.revenue === expected.revenue
        ? row
        : undefined;
    });

    // Poison records mid-stream are set aside and counted; the events behind them are picked up.
    const setAsideSoFar = () =>
      Number(
        /(\d+) so far$/m.exec(
          driverStdout(driver!)
            .match(/streaming: order-events: set aside .*/g)
            ?.at(-1) ?? '',
        )?.[1] ?? 0,
      );
    // The report of a batch comes after its writes: let the first batches' reports (records
    // other suites left on the topic) arrive before counting ours.
    let before = setAsideSoFar();
    for (let settled = false; !settled;) {
      await sleep(7000); // two trigger intervals
      const now = setAsideSoFar();
      settled = now === before;
      before = now;
    }
    const poison = await producePoison();
    await producer.send('order-events', orders(5));
    expected = await expectedFromKafka();
    await waitFor('events produced while running, behind the poison records', async () => {
      const row = await metricsInWindow();
      return row?.events_count === expected.events_count ? row : undefined;
    });
    expect((await spark.status(driver)).driverState).toBe('RUNNING');
    const total = await waitFor('the set-aside report in the driver log', async () =>
      setAsideSoFar() >= before + poison ? setAsideSoFar() : undefined,
    );
    expect(total).toBe(before + poison);
    expect(driverStdout(driver!)).toMatch(/set aside \d+ of \d+ records in batch \d+ \(not JSON/);

    // Killed mid-stream; more events arrive while it is down; restarted from its checkpoint.
    await stopJob(driver);
    driver = undefined;
    await producer.send('order-events', orders(20));
    await producer.send('clickstream', clicks(['page_view', 'checkout_started']));
    driver = await startJob();
    expected = await expectedFromKafka();
    const final = await waitFor('the metrics after the restart', async () => {
      const row = await metricsInWindow();
      return row && row.events_count === expected.events_count && row.revenue === expected.revenue
        ? row
        : undefined;
    });
    expect(final.events_count).toBeGreaterThanOrEqual(55);

    const session = await waitFor('the clickstream session', async () => {
      const row = await analyst
        .selectFrom('processed.clickstream_sessions')
        .selectAll()
        .where('session_id', '=', SESSION)
        .executeTakeFirst();
      return row?.events_count === 5 ? row : undefined;
    });
    expect([session.page_views, session.add_to_carts, session.checkout_started]).toEqual([
      3,
      1,
      true,
    ]);
    // Left running for the Streaming dashboard (the next case, which needs this one); afterAll
    // kills it if that case fails.
  }, 900_000);

  it('feeds the Streaming dashboard in Superset, which redraws itself as new events land', async () => {
    if (!driver || (await spark.status(driver)).driverState !== 'RUNNING')
      throw new Error('the case above left no running streaming job to watch');
    const superset = await SupersetApi.logIn();
    const charts = await superset.dashboardCharts('streaming');
    expect(charts.map((c) => c.slice_name).sort()).toEqual([
      'Order events per minute',
      'Orders in the last 30 minutes',
      'Revenue in the last 30 minutes',
      'Revenue per minute',
      'Seconds since the streaming job last wrote',
      'Sessions started per minute',
    ]);
    const chart = (name: string) => charts.find((c) => c.slice_name === name)!.id;

    // The chart's query reads exactly what the table holds: the test's window, to the cent.
    // Polled: another streaming job (the keeper DAG's, etl-driver's stream test) may upsert the
    // same window meanwhile, from offsets of its own.
    await waitFor(
      'the per-minute revenue chart to show the window as the table holds it',
      async () => {
        const [row, perMinute] = await Promise.all([
          metricsInWindow(),
          superset.chartRows(chart('Revenue per minute')),
        ]);
        const shown = perMinute.find((r) => r['window_start'] === WINDOW.getTime());
        return row && shown?.['Revenue'] === Number(row.revenue) ? shown : undefined;
      },
    );
    const expected = await expectedFromKafka();
    const [lastHalfHour] = await superset.chartRows(chart('Orders in the last 30 minutes'));
    expect(Number(lastHalfHour!['Orders'])).toBeGreaterThanOrEqual(expected.events_count);
    const sessions = await superset.chartRows(chart('Sessions started per minute'));
    expect(sessions.some((row) => Number(row['Checkouts started']) >= 1)).toBe(true);
    const [since] = await superset.chartRows(chart('Seconds since the streaming job last wrote'));
    expect(Number(since!['Seconds since the last write'])).toBeLessThan(600);

    // In a browser: the dashboard draws every chart, then, with no reload, the big number moves
    // once the job has written the events produced after it drew (refresh_frequency: 10 s).
    const browser = await HeadlessChromium.launch({ height: 1100 });
    try {
      await logInToSuperset(browser, {
        url: config.superset.url,
        username: config.superset.username,
        password: config.superset.password!,
      });
      await browser.open(new URL('/superset/dashboard/streaming/', config.superset.url).href);
      await browser.waitFor(
        `document.querySelectorAll('${CHART_HOLDERS}').length === 6 && ${CHART_STATES}.every((c) => c.drawn && !c.loading) || ${CHART_STATES}.some((c) => c.problem)`,
        120_000,
        'the six charts of the Streaming dashboard to draw',
      );
      expect(
        (await browser.evaluate<ChartState[]>(CHART_STATES)).filter((c) => !c.drawn || c.problem),
      ).toEqual([]);
      const shown = `Number([...document.querySelectorAll('${CHART_HOLDERS}')].find((h) => h.textContent.includes('Orders in the last 30 minutes'))?.querySelector('.header-line')?.textContent?.replace(/,/g, '') ?? NaN)`;
      await browser.waitFor(`${shown} >= 0`, 30_000, 'the orders of the last 30 minutes');
      const before = await browser.evaluate<number>(shown);
      expect(before).toBeGreaterThanOrEqual(expected.events_count);
      // Marks this document: a reload would lose the mark.
      await browser.evaluate('(window.dataparkNoReload = true)');

      // Events of now and of each of the last four minutes: 7 orders now, k orders and k + 1
      // sessions k minutes ago, so the per-minute charts draw lines (one point draws none).
      // Recent, not the test's window: that one may be behind the job's watermark by now.
      const at = Date.now();
      const ago = (k: number) => new Date(at - k * 60_000).toISOString();
      const now = new Date(Math.floor(at / 60_000) * 60_000);
      await producer.send('order-events', [
        ...orders(7).map((order) => ({ ...order, occurred_at: ago(0) })),
        ...[1, 2, 3, 4].flatMap((k) =>
          orders(k).map((order) => ({ ...order, occurred_at: ago(k) })),
        ),
      ]);
      await producer.send(
        'clickstream',
        [0, 1, 2, 3, 4].flatMap((k) =>
          Array.from({ length: k + 1 }, () => {
            const session = { session_id: randomUUID(), customer_id: null };
            return [
              buildEvent(
                'clickstream',
                'page_view',
                { ...session, page: '/', referrer: null },
                { occurred_at: ago(k) },
              ),
              buildEvent(
                'clickstream',
                'checkout_started',
                { ...session, cart_value: '10.00', items_count: 1 },
                { occurred_at: ago(k) },
              ),
            ];
          }).flat(),
        ),
      );
      // The job counts the orders of this minute from its starting offsets; another job that
      // started earlier counts more of them, never fewer.
      const truth = await expectedFromKafka(now);
      expect(truth.events_count).toBeGreaterThanOrEqual(7);
      await waitFor("the job to write this minute's orders", async () => {
        const row = await metricsInWindow(now);
        return row && row.events_count >= truth.events_count ? row : undefined;
      });
      await browser.waitFor(
        `${shown} >= ${before + 7}`,
        60_000,
        `the big number to move from ${before} to at least ${before + 7} without a reload`,
      );
      expect(await browser.evaluate('window.dataparkNoReload === true')).toBe(true);
    } finally {
      try {
        const output = join(findWorkspaceRoot(import.meta.dirname)!, 'test-output', 'superset');
        mkdirSync(output, { recursive: true });
        writeFileSync(join(output, 'streaming-dashboard.png'), await browser.screenshot());
      } finally {
        await browser.close();
      }
    }
    await stopJob(driver);
    driver = undefined;
  }, 600_000);
});

/** Superset's REST API with the platform's login (the endpoints file). */
class SupersetApi {
  private constructor(private readonly token: string) {}

  static async logIn(): Promise<SupersetApi> {
    if (!config.superset.password)
      throw new Error(
        'no superset.password in the endpoints file: start Superset (npx nx run platform:up -- --only postgres,superset)',
      );
    const response = await fetch(new URL('/api/v1/security/login', config.superset.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: config.superset.username,
        password: config.superset.password,
        provider: 'db',
      }),
    });
    if (!response.ok) throw new Error(`Superset's login answered ${response.status}`);
    return new SupersetApi(((await response.json()) as { access_token: string }).access_token);
  }

  private async get(path: string): Promise<Record<string, unknown>> {
    const response = await fetch(new URL(path, config.superset.url), {
      headers: { Authorization: `Bearer ${this.token}` },
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  async dashboardCharts(slug: string): Promise<{ id: number; slice_name: string }[]> {
    return (await this.get(`/api/v1/dashboard/${slug}/charts`))['result'] as {
      id: number;
      slice_name: string;
    }[];
  }

  /** The rows of a chart's saved query, run now rather than from Superset's cache. */
  async chartRows(id: number): Promise<Record<string, unknown>[]> {
    const body = await this.get(`/api/v1/chart/${id}/data/?force=true`);
    return (body['result'] as { data: Record<string, unknown>[] }[])[0]!.data;
  }
}
