import { randomUUID } from 'node:crypto';
import { TOPIC_NAMES } from '@datapark/events';
import type { RunTotals } from '../src/index.js';
import { ORDER_TRANSITIONS, parseGeneratorConfig, startGenerator } from '../src/index.js';
import {
  endOffsets,
  expectedRows,
  platform,
  readBack,
  removeSourceRows,
  sourceRows,
} from './fixtures.js';

// One run, two sinks: what Kafka holds, what a consumer reads back and what `source` holds must
// tell the same story.
describe('kafka and postgres sinks together, end to end on the real platform', () => {
  const producer = `generator-e2e-${randomUUID()}`;
  const config = parseGeneratorConfig({
    mode: 'backfill',
    days: 2,
    until: '2026-11-20T00:00:00.000Z',
    events: 15_000,
    sinks: ['kafka', 'postgres'],
    batchSize: 1_000,
    // More orders and churn per event than the default shop, so every table gets plenty.
    simulation: {
      seed: producer,
      producer,
      products: 50,
      conversionRate: 0.4,
      customerDeletionsPerHour: 20,
      priceChangesPerHour: 60,
      // Products launched mid-run and a small customer base, so the rows of launched products
      // and of customers who stopped shopping are checked too.
      launchesPerDay: 96,
      maxActiveCustomers: 100,
    },
  });
  let totals: RunTotals;
  let from: Awaited<ReturnType<typeof endOffsets>>;

  beforeAll(async () => {
    from = await endOffsets();
    totals = await (await startGenerator(config, { platform })).done;
  }, 300_000);

  afterAll(async () => {
    await removeSourceRows(await readBack(from, producer));
  }, 300_000);

  it('acknowledges every generated event in both sinks, per topic', () => {
    const generated = Object.values(totals.generated).reduce((a, b) => a + b, 0);
    expect(generated).toBe(15_000);
    expect(totals.acknowledged['kafka']).toEqual(totals.generated);
    expect(totals.acknowledged['postgres']).toEqual(totals.generated);
    expect(totals.failed).toEqual({ kafka: 0, postgres: 0 });
  });

  it('counts per topic reconcile with what a consumer reads back, and the source rows with the events', async () => {
    const events = await readBack(from, producer);
    for (const topic of TOPIC_NAMES)
      expect([topic, events.get(topic)!.length]).toEqual([topic, totals.generated[topic]]);

    // Per key, Kafka holds the events in the order they happened (the sink's lanes split keys,
    // never a key): each order's events read back follow its lifecycle.
    const statusOf = new Map<string, string>();
    for (const e of events.get('order-events')!) {
      const id = (e.payload as { order_id: string }).order_id;
      const next = e.event_type.replace('order_', '') as keyof typeof ORDER_TRANSITIONS;
      const current = statusOf.get(id) as keyof typeof ORDER_TRANSITIONS | undefined;
      if (current === undefined) expect([id, next]).toEqual([id, 'placed']);
      else
        expect([id, current, ORDER_TRANSITIONS[current]]).toEqual([
          id,
          current,
          expect.arrayContaining([next]),
        ]);
      statusOf.set(id, next);
    }

    const count = (topic: 'customer-events' | 'order-events', type: string) =>
      events.get(topic)!.filter((e) => e.event_type === type).length;
    const rows = await sourceRows(events);
    const registered = count('customer-events', 'customer_registered');
    const deleted = count('customer-events', 'customer_deleted');
    expect(deleted).toBeGreaterThan(0);
    expect(rows.customers.filter((c) => c.deleted_at === null)).toHaveLength(registered - deleted);
    expect(rows.customers).toHaveLength(registered);
    expect(registered).toBeGreaterThan(config.simulation.maxActiveCustomers);
    const created = events.get('product-events')!.filter((e) => e.event_type === 'product_created');
    expect(created.length).toBeGreaterThan(config.simulation.products);
    expect(rows.products).toHaveLength(created.length);
    expect(rows.orders).toHaveLength(count('order-events', 'order_placed'));

    const expected = expectedRows(events);
    expect(rows.items).toHaveLength(expected.items);
    expect(rows.items.length).toBeGreaterThan(rows.orders.length);
    // Every row in the state its entity's last event left it.
    expect(new Map(rows.orders.map((o) => [o.order_id, o.status]))).toEqual(expected.orders);
    expect(
      new Map(
        rows.customers.map((c) => [
          c.customer_id,
          { deleted: c.deleted_at !== null, city: c.city },
        ]),
      ),
    ).toEqual(expected.customers);
    expect(
      new Map(
        rows.products.map((p) => [
          p.product_id,
          { price: p.price, stock: p.stock, status: p.status },
        ]),
      ),
    ).toEqual(expected.products);
    // Lines at the price of the moment: the order_placed event's, which the simulation checks.
    const placed = new Map(
      events
        .get('order-events')!
        .filter((e) => e.event_type === 'order_placed')
        .map((e) => [
          (e.payload as { order_id: string }).order_id,
          e.payload as { total_amount: string },
        ]),
    );
    for (const order of rows.orders)
      expect(order.total_amount).toBe(placed.get(order.order_id)!.total_amount);
  }, 300_000);

  it('is idempotent: the same seed again into postgres leaves the same rows', async () => {
    const events = await readBack(from, producer);
    const before = await sourceRows(events);
    const again = await (
      await startGenerator({ ...config, sinks: ['postgres'] }, { platform })
    ).done;
    expect(again.acknowledged['postgres']).toEqual(totals.generated);
    const after = await sourceRows(events);
    expect(after).toEqual(before);
  }, 300_000);
});
