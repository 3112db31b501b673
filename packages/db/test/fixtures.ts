import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { DataparkConfig, PostgresRole } from '@datapark/config';
import pg from 'pg';
import { loadConfig, postgresUrl } from '@datapark/config';
import type { Database } from '@datapark/db';
import { createDb } from '@datapark/db';

/** The shared platform's config; the test run started PostgreSQL before Jest. */
export const config: DataparkConfig = loadConfig();

/** Kysely connections opened by a test file, closed in afterAll. */
export function connections() {
  const open: ReturnType<typeof createDb>[] = [];
  return {
    as(role: PostgresRole) {
      const db = createDb(config, role, { max: 2 });
      open.push(db);
      return db;
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((db) => db.destroy()));
    },
  };
}

/** Runs one statement as the bootstrap superuser (creating and dropping scratch databases). */
export async function asAdmin(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl(config, 'admin', 'postgres') });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** Rolls back whatever the callback did, so tests leave the shared database as they found it. */
export class Rollback extends Error {}

/** One valid row per table, with consistent keys: a customer, a product, their order… */
export function sampleRows() {
  const customerId = randomUUID();
  const productId = randomUUID();
  const orderId = randomUUID();
  const sessionId = randomUUID();
  const at = new Date('2026-11-01T10:00:00Z');
  const kafka = (topic: string) => ({
    kafka_topic: topic,
    kafka_partition: 0,
    kafka_offset: Math.floor(Math.random() * 1e12),
  });
  const envelope = (eventType: string) => ({
    event_id: randomUUID(),
    event_type: eventType,
    schema_version: 1,
    occurred_at: at,
    producer: 'test',
    payload: { hello: 'world', nested: [1, 2, { x: null }] },
  });
  return {
    'source.customers': {
      customer_id: customerId,
      email: `${customerId}@example.test`,
      first_name: 'Ada',
      last_name: 'Lovelace',
      country: 'GB',
      city: 'London',
      registered_at: at,
      updated_at: at,
      deleted_at: null,
    },
    'source.products': {
      product_id: productId,
      sku: `SKU-${productId.slice(0, 8)}`,
      name: 'Tea pot',
      category: 'kitchen',
      price: '19.99',
      stock: 10,
      created_at: at,
      updated_at: at,
    },
    'source.orders': {
      order_id: orderId,
      customer_id: customerId,
      status: 'placed',
      total_amount: '39.98',
      placed_at: at,
      updated_at: at,
    },
    'source.order_items': {
      order_id: orderId,
      line_no: 1,
      product_id: productId,
      quantity: 2,
      unit_price: '19.99',
    },
    'raw.customer_events': {
      ...envelope('customer_registered'),
      customer_id: customerId,
      ...kafka('customer-events'),
    },
    'raw.product_events': {
      ...envelope('product_created'),
      product_id: productId,
      ...kafka('product-events'),
    },
    'raw.order_events': {
      ...envelope('order_placed'),
      order_id: orderId,
      ...kafka('order-events'),
    },
    'raw.clickstream_events': {
      ...envelope('page_view'),
      session_id: sessionId,
      ...kafka('clickstream'),
    },
    'processed.dim_customers': {
      customer_id: customerId,
      email: 'ada@example.test',
      full_name: 'Ada Lovelace',
      country: 'GB',
      city: 'London',
      registered_at: at,
      is_deleted: false,
      updated_at: at,
    },
    'processed.dim_products': {
      product_id: productId,
      sku: 'SKU-1',
      name: 'Tea pot',
      category: 'kitchen',
      current_price: '19.99',
      status: 'active',
      updated_at: at,
    },
    'processed.fact_orders': {
      order_id: orderId,
      customer_id: customerId,
      order_date: '2026-11-01',
      status: 'placed',
      item_count: 2,
      total_amount: '39.98',
      placed_at: at,
    },
    'processed.fact_order_items': {
      order_id: orderId,
      line_no: 1,
      product_id: productId,
      order_date: '2026-11-01',
      quantity: 2,
      unit_price: '19.99',
      line_amount: '39.98',
    },
    'processed.daily_sales': {
      sales_date: '1999-12-31',
      orders_count: 1,
      items_sold: 2,
      revenue: '39.98',
      avg_order_value: '39.98',
      distinct_customers: 1,
    },
    'processed.product_performance': {
      sales_date: '1999-12-31',
      product_id: productId,
      units_sold: 2,
      revenue: '39.98',
      orders_count: 1,
    },
    'processed.clickstream_sessions': {
      session_id: sessionId,
      customer_id: null,
      started_at: at,
      ended_at: at,
      events_count: 3,
      page_views: 1,
      product_views: 1,
      searches: 0,
      add_to_carts: 1,
      checkout_started: false,
    },
    'processed.realtime_order_metrics': {
      window_start: new Date('1999-12-31T00:00:00Z'),
      window_end: new Date('1999-12-31T00:01:00Z'),
      event_type: `order_placed-${sessionId}`,
      events_count: 1,
      revenue: '39.98',
    },
    'quality.checks': {
      check_name: `check-${sessionId}`,
      description: 'a check',
      kind: 'uniqueness',
      target_table: 'raw.order_events',
    },
    'etl.job_runs': {
      job_name: 'test',
      logical_date: '2026-11-01',
      triggered_by: 'jest',
      details: { ok: true },
    },
    'etl.watermarks': { name: `wm-${sessionId}`, value: at },
    'etl.consumer_offsets': {
      consumer_group: `g-${sessionId}`,
      topic: 'order-events',
      partition: 0,
      next_offset: 42,
    },
  } satisfies { [T in keyof Database]?: Insertable<Database[T]> };
}
