import { loadConfig } from '@datapark/config';
import { createDb } from '@datapark/db';
import type { AnyEvent, TopicName } from '@datapark/events';
import { TOPIC_NAMES } from '@datapark/events';
import type { PartitionOffsets } from '@datapark/kafka';
import { connectionFromConfig, readRange, topicEndOffsets } from '@datapark/kafka';

/** The shared platform's config; the test run started PostgreSQL and Kafka before Jest. */
export const platform = loadConfig();
export const kafka = connectionFromConfig(platform, 'generator-test');

/** Where every topic ends now: what a run produces from here on lands after it. */
export async function endOffsets(): Promise<Map<TopicName, PartitionOffsets>> {
  return new Map(
    await Promise.all(TOPIC_NAMES.map(async (t) => [t, await topicEndOffsets(kafka, t)] as const)),
  );
}

/** What a consumer reads back since `from`: the events of one producer, per topic, in order. */
export async function readBack(
  from: Map<TopicName, PartitionOffsets>,
  producer: string,
): Promise<Map<TopicName, AnyEvent[]>> {
  const result = new Map<TopicName, AnyEvent[]>();
  for (const topic of TOPIC_NAMES) {
    const records = await readRange(kafka, topic, from.get(topic)!);
    // Other tests share the topics, some with deliberately broken records: skip what is not ours.
    const events = records
      .map((r) => {
        try {
          return JSON.parse(r.message.value?.toString() ?? '') as AnyEvent;
        } catch {
          return undefined;
        }
      })
      .filter((e): e is AnyEvent => e?.producer === producer);
    result.set(topic, events);
  }
  return result;
}

/** What the `source` tables hold for the entities these events name, read as `analyst`. */
export async function sourceRows(events: Map<TopicName, AnyEvent[]>) {
  const ids = (topic: TopicName, key: string) => [
    ...new Set((events.get(topic) ?? []).map((e) => (e.payload as Record<string, string>)[key]!)),
  ];
  const customerIds = ids('customer-events', 'customer_id');
  const productIds = ids('product-events', 'product_id');
  const orderIds = ids('order-events', 'order_id');
  const db = createDb(platform, 'analyst', { max: 1 });
  try {
    const none = ['00000000-0000-0000-0000-000000000000'];
    const [customers, products, orders, items] = await Promise.all([
      db
        .selectFrom('source.customers')
        .selectAll()
        .where('customer_id', 'in', customerIds.length ? customerIds : none)
        .orderBy('customer_id')
        .execute(),
      db
        .selectFrom('source.products')
        .selectAll()
        .where('product_id', 'in', productIds.length ? productIds : none)
        .orderBy('product_id')
        .execute(),
      db
        .selectFrom('source.orders')
        .selectAll()
        .where('order_id', 'in', orderIds.length ? orderIds : none)
        .orderBy('order_id')
        .execute(),
      db
        .selectFrom('source.order_items')
        .selectAll()
        .where('order_id', 'in', orderIds.length ? orderIds : none)
        .orderBy('order_id')
        .orderBy('line_no')
        .execute(),
    ]);
    return { customers, products, orders, items };
  } finally {
    await db.destroy();
  }
}

/** The rows the events imply: what each entity's last event says. */
export function expectedRows(events: Map<TopicName, AnyEvent[]>) {
  const customers = new Map<string, { deleted: boolean; city: string }>();
  for (const e of events.get('customer-events') ?? []) {
    const p = e.payload as { customer_id: string; city?: string };
    if (e.event_type === 'customer_registered')
      customers.set(p.customer_id, { deleted: false, city: p.city! });
    else if (e.event_type === 'customer_updated') customers.get(p.customer_id)!.city = p.city!;
    else customers.get(p.customer_id)!.deleted = true;
  }
  const products = new Map<string, { price: string; stock: number; status: string }>();
  for (const e of events.get('product-events') ?? []) {
    const p = e.payload as unknown as Record<string, string | number>;
    const id = p['product_id'] as string;
    if (e.event_type === 'product_created')
      products.set(id, {
        price: p['price'] as string,
        stock: p['stock'] as number,
        status: 'active',
      });
    else if (e.event_type === 'price_changed') products.get(id)!.price = p['new_price'] as string;
    else if (e.event_type === 'stock_changed') products.get(id)!.stock = p['new_stock'] as number;
    else products.get(id)!.status = 'discontinued';
  }
  const orders = new Map<string, string>();
  let items = 0;
  for (const e of events.get('order-events') ?? []) {
    const p = e.payload as { order_id: string; items?: unknown[] };
    if (e.event_type === 'order_placed') items += p.items!.length;
    orders.set(p.order_id, e.event_type.replace('order_', ''));
  }
  return { customers, products, orders, items };
}

/** Deletes the `source` rows these events created (tests leave the shared database as found). */
export async function removeSourceRows(events: Map<TopicName, AnyEvent[]>): Promise<void> {
  const ids = (topic: TopicName, key: string) => [
    ...new Set((events.get(topic) ?? []).map((e) => (e.payload as Record<string, string>)[key]!)),
  ];
  const db = createDb(platform, 'generator', { max: 1 });
  try {
    const orders = ids('order-events', 'order_id');
    const customers = ids('customer-events', 'customer_id');
    const products = ids('product-events', 'product_id');
    // Lines go with their orders (ON DELETE CASCADE); then what they referenced.
    if (orders.length)
      await db.deleteFrom('source.orders').where('order_id', 'in', orders).execute();
    if (customers.length)
      await db.deleteFrom('source.customers').where('customer_id', 'in', customers).execute();
    if (products.length)
      await db.deleteFrom('source.products').where('product_id', 'in', products).execute();
  } finally {
    await db.destroy();
  }
}
