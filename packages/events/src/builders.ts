import { randomUUID } from 'node:crypto';
import type { EventAt, EventTypeOf, LatestVersionOf, TopicName, VersionOf } from './catalog.js';
import { topicSpec } from './catalog.js';
import { contractOf, latestVersion } from './contracts/subjects.js';
import { EventValidationError } from './errors.js';

type PayloadOf<T extends TopicName, E extends EventTypeOf<T>, V extends VersionOf<T, E>> = EventAt<
  T,
  E,
  V
>['payload'];

/**
 * Builds a valid event: the envelope filled in, the payload as given, validated against the
 * schema of the version asked for (the newest when `version` is left out). The payload's type is
 * that version's. An invalid payload throws {@link EventValidationError} naming each field that
 * is wrong (as `EventProducer.send` does); an unknown topic, {@link UnknownTopicError}.
 *
 * @example
 * ```ts
 * const paid = buildEvent('order-events', 'order_paid', { order_id, customer_id, amount: '39.98', payment_method: 'card' });
 * const v1 = buildEvent('clickstream', 'page_view', { session_id, customer_id: null, page: '/', referrer: null }, { version: 1 });
 * ```
 */
export function buildEvent<
  T extends TopicName,
  E extends EventTypeOf<T>,
  V extends VersionOf<T, E> = LatestVersionOf<T, E>,
>(
  topic: T,
  eventType: E,
  payload: PayloadOf<T, E, V>,
  envelope: { event_id?: string; occurred_at?: string; producer?: string; version?: V } = {},
): EventAt<T, E, V> {
  const schema = topicSpec(topic).schema;
  // An event type the topic does not have (untyped code): the schema names it below.
  const contract = contractOf(topic, eventType);
  const event = {
    event_id: envelope.event_id ?? randomUUID(),
    event_type: eventType,
    schema_version: envelope.version ?? (contract ? latestVersion(contract) : 1),
    occurred_at: envelope.occurred_at ?? new Date().toISOString(),
    producer: envelope.producer ?? 'datapark-test',
    payload,
  };
  const checked = schema.safeParse(event);
  if (!checked.success) throw new EventValidationError(topic, undefined, checked.error.issues);
  return checked.data as EventAt<T, E, V>;
}

/** One valid sample event per topic, with fresh ids: fixtures for tests and docs. */
export const sampleEvents = {
  customer(overrides: Partial<PayloadOf<'customer-events', 'customer_registered', 1>> = {}) {
    const customer_id = randomUUID();
    return buildEvent('customer-events', 'customer_registered', {
      customer_id,
      email: `${customer_id.slice(0, 8)}@example.com`,
      first_name: 'Grace',
      last_name: 'Hopper',
      country: 'US',
      city: 'Arlington',
      ...overrides,
    });
  },
  product(overrides: Partial<PayloadOf<'product-events', 'product_created', 1>> = {}) {
    const product_id = randomUUID();
    return buildEvent('product-events', 'product_created', {
      product_id,
      sku: `SKU-${product_id.slice(0, 8)}`,
      name: 'Espresso cup',
      category: 'kitchen',
      price: '9.50',
      stock: 100,
      ...overrides,
    });
  },
  order(overrides: Partial<PayloadOf<'order-events', 'order_placed', 1>> = {}) {
    return buildEvent('order-events', 'order_placed', {
      order_id: randomUUID(),
      customer_id: randomUUID(),
      items: [{ line_no: 1, product_id: randomUUID(), quantity: 2, unit_price: '9.50' }],
      total_amount: '19.00',
      currency: 'EUR',
      session_id: null,
      ...overrides,
    });
  },
  /** A version-1 page view (the version the generator emits by default). */
  click(overrides: Partial<PayloadOf<'clickstream', 'page_view', 1>> = {}) {
    return buildEvent(
      'clickstream',
      'page_view',
      { session_id: randomUUID(), customer_id: null, page: '/', referrer: null, ...overrides },
      { version: 1 },
    );
  },
};
