import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPIC_NAMES } from '@datapark/events';
import type { GeneratedEvent, RunningGenerator, RunStatus } from '../src/index.js';
import { parseGeneratorConfig, startGenerator } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'control-api-'));
const out = join(dir, 'events.jsonl');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let generator: RunningGenerator;
let base: string;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(base + path, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as RunStatus };
}
const status = async () => (await call('GET', '/status')).json();

/** A raw request with the headers a browser would send (fetch does not let us set Host). */
function rawCall(method: string, path: string, headers: Record<string, string>, body = '') {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(base + path, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  generator = await startGenerator(
    parseGeneratorConfig({
      mode: 'realtime',
      eventsPerSecond: 300,
      sinks: ['dry-run'],
      out,
      http: true,
      httpPort: 0, // any free port: tests never fight over 18380
      lingerMs: 20,
      simulation: { seed: 'control-api' },
    }),
  );
  base = generator.api!.url;
});

afterAll(async () => {
  await generator.stop();
});

describe('the control API', () => {
  it('listens on the loopback interface and answers /healthz and /readyz', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call('GET', '/healthz')).status).toBe(200);
    const ready = await call('GET', '/readyz');
    expect([ready.status, JSON.parse(ready.text)]).toEqual([
      200,
      { ready: true, state: 'running', notConnected: [] },
    ]);
  });

  it('refuses what a web page could send: another site’s Origin, or a Host that is not loopback (DNS rebinding)', async () => {
    const port = new URL(base).port;
    const rate = JSON.stringify({ eventsPerSecond: 999 });
    const fromPage = await rawCall(
      'POST',
      '/rate',
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
      rate,
    );
    expect(fromPage.status).toBe(403);
    expect(fromPage.text).toMatch(/Origin https:\/\/evil\.example may not call the control API/);
    const rebound = await rawCall('POST', '/pause', { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.text).toMatch(/is not this loopback API/);
    expect((await status()).state).toBe('running');
    expect((await status()).targetEventsPerSecond).not.toBe(999);
    // The API's own origin and plain programs (no Origin) are served.
    const own = await rawCall('GET', '/status', {
      origin: `http://localhost:${port}`,
      host: `localhost:${port}`,
    });
    expect(own.status).toBe(200);
  });

  it('pauses: emission stops and nothing is due (no lag); resumes: it starts again', async () => {
    await sleep(500);
    expect((await call('POST', '/pause')).json().state).toBe('paused');
    const paused = (await status()).generatedTotal;
    expect(paused).toBeGreaterThan(0);
    await sleep(1_000);
    const still = await status();
    expect(still.generatedTotal).toBe(paused);
    // A second paused at 300/s used to read as a lag of ~300 events, growing while paused.
    expect(still.lagEvents).toBe(0);
    expect((await call('GET', '/metrics')).text).toMatch(/^generator_lag_events 0$/m);

    expect((await call('POST', '/resume')).json().state).toBe('running');
    await sleep(1_000);
    expect((await status()).generatedTotal).toBeGreaterThan(paused + 100);
  });

  it('applies a new rate (PUT or POST /rate) and refuses a bad one, naming the field', async () => {
    const changed = (await call('PUT', '/rate', { eventsPerSecond: 2_000 })).json();
    expect(changed.targetEventsPerSecond).toBe(2_000);
    const before = (await status()).generatedTotal;
    await sleep(2_000);
    // ~4000 at the new rate, ~600 had the old one stayed: a generous band between.
    expect((await status()).generatedTotal - before).toBeGreaterThan(2_000);
    expect(
      (await call('POST', '/rate', { eventsPerSecond: 300 })).json().targetEventsPerSecond,
    ).toBe(300);

    const bad = await call('PUT', '/rate', { eventsPerSecond: -1 });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/eventsPerSecond: expected a number above 0/);
    expect((await call('PUT', '/rate', 'not json{')).status).toBe(400);
    expect((await call('GET', '/rate')).status).toBe(405);
    expect((await call('GET', '/nothing')).status).toBe(404);
  });

  it('exposes per-topic counters on /metrics that match what the sink wrote', async () => {
    await call('POST', '/pause');
    await sleep(300); // the sink's linger (20 ms) has passed: everything emitted is written
    const metrics = (await call('GET', '/metrics')).text;
    const written = new Map<string, number>();
    for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
      const { topic } = JSON.parse(line) as GeneratedEvent;
      written.set(topic, (written.get(topic) ?? 0) + 1);
    }
    const metric = (name: string, labels: string) =>
      Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    for (const topic of TOPIC_NAMES) {
      const n = written.get(topic) ?? 0;
      expect([topic, metric('generator_events_generated_total', `topic="${topic}"`)]).toEqual([
        topic,
        n,
      ]);
      expect([
        topic,
        metric('generator_events_acknowledged_total', `sink="dry-run",topic="${topic}"`),
      ]).toEqual([topic, n]);
    }
    expect(written.get('clickstream')).toBeGreaterThan(100);
    expect(metrics).toMatch(/^generator_target_events_per_second 300$/m);
    expect(metrics).toMatch(/^generator_paused 1$/m);
    expect(metrics).toMatch(/^generator_lag_events \d+$/m);
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+$/m);
    // The shop's state, bounded however long it runs: the default catalog is 200 products.
    const shop = (part: string) => metric('generator_shop_state', `part="${part}"`);
    expect(shop('active_products')).toBeGreaterThan(150);
    expect(shop('active_customers')).toBeGreaterThan(0);
    expect(shop('scheduled_actions')).toBeGreaterThan(0);
    expect(shop('orders_in_flight')).toBeGreaterThanOrEqual(0);
  });
});
