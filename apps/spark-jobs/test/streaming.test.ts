import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@datapark/config';
import { createDb } from '@datapark/db';
import type { EventOf } from '@datapark/events';
import { buildEvent, sampleEvents } from '@datapark/events';
import { connectionFromConfig, EventProducer, readRange } from '@datapark/kafka';
import type { SparkJobFailedError } from '@datapark/spark-client';
import { SparkRestClient } from '@datapark/spark-client';

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

beforeAll(async () => {
  producer = await EventProducer.connect(connection, { compression: 'none' });
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

/** order_placed count and revenue in the window, from every record in Kafka: the truth. */
async function expectedFromKafka(): Promise<{ events_count: number; revenue: string }> {
  const records = await readRange(
    connection,
    'order-events',
    new Map([0, 1, 2, 3, 4, 5].map((p) => [p, '0'])),
  );
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
      at >= WINDOW.getTime() &&
      at < WINDOW.getTime() + 60_000
    ) {
      count++;
      cents += Math.round(Number(event.payload.total_amount) * 100);
    }
  }
  return { events_count: count, revenue: (cents / 100).toFixed(2) };
}

async function metricsInWindow() {
  return analyst
    .selectFrom('processed.realtime_order_metrics')
    .select(['events_count', 'revenue'])
    .where('window_start', '=', WINDOW)
    .where('event_type', '=', 'order_placed')
    .executeTakeFirst();
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 300_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(2000);
  }
}

async function startJob(): Promise<string> {
  const id = await spark.create(
    spark.pythonRequest({
      file: JOB,
      name: 'streaming-metrics-test',
      args: ['--checkpoint', CHECKPOINT, '--trigger-seconds', '3'],
      env: { DATAPARK_STATE_DIR: config.stateDir },
    }),
  );
  await waitFor('the driver to run', async () =>
    (await spark.status(id)).driverState === 'RUNNING' ? true : undefined,
  );
  return id;
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

    // Events produced after the job started are picked up too.
    await producer.send('order-events', orders(5));
    expected = await expectedFromKafka();
    await waitFor('events produced while running', async () => {
      const row = await metricsInWindow();
      return row?.events_count === expected.events_count ? row : undefined;
    });

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

    await stopJob(driver);
    driver = undefined;
  }, 900_000);
});
