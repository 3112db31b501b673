/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import type { Browser, Page } from 'puppeteer-core';
import { findWorkspaceRoot, loadConfig, s3Connection } from '@datapark/config';
import { launchChromium } from '@datapark/ui-testing';

// The dashboards: Prometheus' own console templates (packages/platform-local/monitoring/consoles),
// served by the platform's Prometheus behind its basic auth, opened in Debian's Chromium.
const config = loadConfig();
const { prometheusUrl } = config.monitoring;
const username = config.monitoring.username ?? 'datapark';
const password = config.monitoring.password ?? '';
const OUTPUT = join(findWorkspaceRoot(import.meta.dirname)!, 'test-output', 'monitoring');

/** Each console, and the graphs that must have drawn a line from live data. */
const CONSOLES = {
  datapark: ['eventsIn', 'lag'],
  kafka: ['messagesIn', 'bytesIn', 'leaders'],
  spark: ['cores', 'memory'],
  airflow: ['running'],
  postgres: ['connections', 'commits'],
  host: ['cpu', 'mem'],
  objectstore: ['requests'],
  superset: ['calls'],
} as const;

/** Prometheus' answer to an instant query, behind its basic auth. */
async function instantQuery(expr: string): Promise<unknown[]> {
  const url = new URL('api/v1/query', prometheusUrl);
  url.searchParams.set('query', expr);
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const body = (await (await fetch(url, { headers: { Authorization: auth } })).json()) as {
    data: { result: unknown[] };
  };
  return body.data.result;
}

/**
 * The object store and Superset send StatsD per request, so their series exist only after a
 * request since statsd_exporter started: one of each, then a scrape (15 s) to see them.
 */
async function requestObjectStoreAndSuperset(): Promise<void> {
  const s3 = new S3Client({ ...s3Connection(config), maxAttempts: 1 });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: 'lake' }));
  } finally {
    s3.destroy();
  }
  await fetch(new URL('health', config.superset.url));
  const deadline = Date.now() + 45_000;
  for (const expr of ['versitygw_requests_total', 'superset_health_checks_total'])
    while ((await instantQuery(expr)).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 1000));
}

/**
 * The overview's lag graph draws the groups that have members: it depends on what else runs
 * (an ingest, a streaming job), so the test keeps a consumer group of its own up while it looks,
 * and waits until Prometheus holds its lag (the lag exporter's and Prometheus' scrapes).
 */
const LAG_GROUP = `datapark-consoles-test-${process.pid}`;
const kafka = new Kafka({
  clientId: LAG_GROUP,
  brokers: [...config.kafka.bootstrapServers],
  logLevel: logLevel.NOTHING,
});
let consumer: Consumer | undefined;

async function keepAConsumerGroupUp(): Promise<void> {
  consumer = kafka.consumer({ groupId: LAG_GROUP });
  await consumer.connect();
  // From the beginning: the shop's events are there (the tests' day of the shop), and consuming
  // them commits offsets, without which a group has no lag.
  await consumer.subscribe({ topic: 'order-events', fromBeginning: true });
  await consumer.run({ autoCommitInterval: 1000, eachMessage: async () => {} });
  const expr = `kafka_consumergroup_lag{consumergroup="${LAG_GROUP}"} >= 0`;
  const deadline = Date.now() + 90_000;
  while ((await instantQuery(expr)).length === 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 1000));
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  browser = await launchChromium({ defaultViewport: { width: 1400, height: 1100 } });
  page = await browser.newPage();
  await requestObjectStoreAndSuperset();
  await keepAConsumerGroupUp();
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await consumer?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([LAG_GROUP]).catch(() => undefined);
  await admin.disconnect();
});

const consoleUrl = (name: string) => new URL(`consoles/${name}.html`, prometheusUrl).href;

/** The series each graph drew: Rickshaw draws one SVG path per series. */
const drawnSeries = (graphs: readonly string[]) =>
  page.evaluate(
    (ids) =>
      Object.fromEntries(
        ids.map((id) => [id, document.querySelectorAll(`#${id} svg path`).length]),
      ),
    graphs,
  );

describe('the monitoring dashboards in a real browser', () => {
  it('shows the pipeline at a glance: the brokers and workers the platform runs', async () => {
    await page.authenticate({ username, password });
    await page.goto(consoleUrl('datapark'), { waitUntil: 'networkidle0' });
    const row = (label: string) =>
      page.evaluate(
        (l) =>
          [...document.querySelectorAll('.prom_console_rhs tr')]
            .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim()))
            .find((cells) => cells[0] === l)?.[1],
        label,
      );
    expect(await row('Kafka brokers')).toBe('3');
    expect(await row('PostgreSQL up')).toBe('1');
    expect(Number(await row('Spark workers'))).toBeGreaterThanOrEqual(1);
  });

  it('refuses the dashboards without the monitoring password', async () => {
    // Over HTTP: headless Chromium answers a 401 by cancelling the navigation.
    const wrong = `Basic ${Buffer.from(`${username}:not-the-password`).toString('base64')}`;
    for (const headers of [{}, { Authorization: wrong }] as Record<string, string>[]) {
      const response = await fetch(consoleUrl('datapark'), { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('Data Park');
    }
  });

  it.each(Object.entries(CONSOLES))(
    '%s.html logs in, renders its tables and draws its graphs from live data',
    async (name, graphs) => {
      await page.authenticate({ username, password });
      const response = await page.goto(consoleUrl(name), { waitUntil: 'networkidle0' });
      expect(response?.status()).toBe(200);
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).not.toMatch(/error executing template|parse error/i);
      // The graphs query the API from the page: wait until each drew at least one series.
      await page
        .waitForFunction(
          (ids: string[]) => ids.every((id) => document.querySelector(`#${id} svg path`)),
          { timeout: 30_000 },
          [...graphs],
        )
        .catch(() => undefined);
      writeFileSync(join(OUTPUT, `${name}.png`), await page.screenshot({ fullPage: true }));
      // Names the graphs that drew nothing, if any.
      const drawn = await drawnSeries(graphs);
      expect(Object.keys(drawn).filter((id) => drawn[id] === 0)).toEqual([]);
    },
  );
});
