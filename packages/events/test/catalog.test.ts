import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildEvent,
  ClickstreamEvent,
  desiredTopics,
  EventValidationError,
  exportCatalog,
  keyOf,
  OrderEvent,
  sampleEvents,
  TOPIC_CATALOG,
  TOPIC_NAMES,
  topicSpec,
  UnknownTopicError,
} from '@datapark/events';

describe('the topic catalog', () => {
  it("holds DESIGN.md's four topics with their keys", () => {
    expect(Object.fromEntries(TOPIC_NAMES.map((n) => [n, TOPIC_CATALOG[n].key]))).toEqual({
      'customer-events': 'customer_id',
      'product-events': 'product_id',
      'order-events': 'order_id',
      clickstream: 'session_id',
    });
  });

  it('asks for 3 replicas and min.insync.replicas=2 on every topic, and a DLQ for each', () => {
    const topics = desiredTopics();
    expect(topics.map((t) => t.name).sort()).toEqual(
      [...TOPIC_NAMES, ...TOPIC_NAMES.map((n) => `${n}.dlq`)].sort(),
    );
    for (const t of topics) {
      expect(t.replicationFactor).toBe(3);
      expect(t.configs['min.insync.replicas']).toBe('2');
    }
  });

  it('names an unknown topic from untyped code, the closest one and every known one', () => {
    const untyped = buildEvent as unknown as (
      topic: string,
      type: string,
      payload: object,
    ) => unknown;
    expect(() => untyped('orders-events', 'order_placed', {})).toThrow(UnknownTopicError);
    expect(() => untyped('orders-events', 'order_placed', {})).toThrow(
      'unknown topic "orders-events": did you mean "order-events"? ' +
        "the catalog's topics are customer-events, product-events, order-events, clickstream",
    );
    expect(() => topicSpec('payments' as never)).toThrow(
      'unknown topic "payments": ' +
        "the catalog's topics are customer-events, product-events, order-events, clickstream",
    );
    expect(() => keyOf('toString' as never, sampleEvents.order() as never)).toThrow(
      UnknownTopicError,
    );
    expect(topicSpec('clickstream')).toBe(TOPIC_CATALOG.clickstream);
  });

  it('keys an event by its topic key field', () => {
    const order = sampleEvents.order();
    expect(keyOf('order-events', order)).toBe(order.payload.order_id);
    const click = sampleEvents.click();
    expect(keyOf('clickstream', click)).toBe(click.payload.session_id);
  });

  it('has a committed JSON export that matches the schemas (npx nx run events:export-schemas)', () => {
    const committed = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'json-schema', 'catalog.json'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(exportCatalog())));
  });
});

describe('event schemas', () => {
  it('accept every sample event', () => {
    for (const event of [
      sampleEvents.customer(),
      sampleEvents.product(),
      sampleEvents.order(),
      sampleEvents.click(),
    ]) {
      expect(event.schema_version).toBe(1);
    }
  });

  it('refuse a float price, an unknown event type and an extra field, saying where', () => {
    const good = sampleEvents.order();
    const floatPrice = { ...good, payload: { ...good.payload, total_amount: 19.0 } };
    const unknownType = { ...good, event_type: 'order_teleported' };
    const extra = { ...good, payload: { ...good.payload, coupon: 'FREE' } };
    const issues = (value: unknown) => OrderEvent.safeParse(value).error?.issues ?? [];
    expect(issues(floatPrice)[0]?.path).toEqual(['payload', 'total_amount']);
    expect(issues(unknownType)[0]?.path).toEqual(['event_type']);
    expect(issues(extra)[0]?.code).toBe('unrecognized_keys');
    expect(issues(good)).toEqual([]);
  });

  it('refuse a NUL character or an unpaired surrogate in free text, naming the field (PostgreSQL cannot store either)', () => {
    const click = sampleEvents.click();
    const withPage = (page: string) => ({
      ...click,
      event_type: 'page_view',
      payload: { session_id: click.payload.session_id, customer_id: null, page, referrer: null },
    });
    const issues = (value: unknown) => ClickstreamEvent.safeParse(value).error?.issues ?? [];
    expect(issues(withPage('/shop'))).toEqual([]);
    expect(issues(withPage('/\u0000x'))[0]?.path).toEqual(['payload', 'page']);
    expect(issues(withPage('/\ud800x'))[0]?.message).toMatch(/unpaired surrogate/);
    // A well-formed pair (an emoji), right-to-left marks and quotes are fine.
    expect(issues(withPage('/\u{1F600}\u200F"\'\\;--'))).toEqual([]);
    const nulProducer = { ...click, producer: 'gen\u0000' };
    expect(issues(nulProducer)[0]?.path).toEqual(['producer']);
  });

  it('builds a valid event or throws an EventValidationError naming each bad field, as send does', () => {
    const attempt = () =>
      buildEvent('product-events', 'price_changed', {
        product_id: 'not-a-uuid',
        old_price: '1.00',
        new_price: 2 as unknown as string,
      });
    expect(attempt).toThrow(EventValidationError);
    let error: EventValidationError | undefined;
    try {
      attempt();
    } catch (e) {
      error = e as EventValidationError;
    }
    // One line per field, not zod's JSON dump of the issues.
    expect(error!.message).toBe(
      'the event for topic product-events does not match its schema: ' +
        'payload.product_id: Invalid UUID; payload.new_price: Invalid input: expected string, received number',
    );
    expect(error!.message).not.toMatch(/^\s*\[|"code":/);
    expect(error!.code).toBe('EVENT_INVALID');
    expect(error!.issues.map((i) => i.path.join('.'))).toEqual([
      'payload.product_id',
      'payload.new_price',
    ]);
  });

  it('export JSON Schema that names each event type', () => {
    const orders = exportCatalog().topics.find((t) => t.name === 'order-events')!;
    const types = JSON.stringify(orders.schema).match(/"const":"order_[a-z]+"/g);
    expect(new Set(types)).toEqual(
      new Set(
        [
          'order_placed',
          'order_paid',
          'order_shipped',
          'order_delivered',
          'order_cancelled',
          'order_refunded',
        ].map((t) => `"const":"${t}"`),
      ),
    );
  });
});
