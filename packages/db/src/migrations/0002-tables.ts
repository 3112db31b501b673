import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen with this migration: the live list is schema/layout.ts.
const RAW_EVENT_TABLES = [
  { table: 'customer_events', key: 'customer_id' },
  { table: 'product_events', key: 'product_id' },
  { table: 'order_events', key: 'order_id' },
  { table: 'clickstream_events', key: 'session_id' },
] as const;

const ORDER_STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'];
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));
const now = sql`now()`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // source: the simulated shop's OLTP tables, kept consistent with the events by the generator.
  await db.schema
    .createTable('source.customers')
    .addColumn('customer_id', 'uuid', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await db.schema
    .createTable('source.products')
    .addColumn('product_id', 'uuid', (c) => c.primaryKey())
    .addColumn('sku', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('price', 'numeric(12, 2)', (c) => c.notNull().check(sql`price >= 0`))
    .addColumn('stock', 'integer', (c) => c.notNull().check(sql`stock >= 0`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status IN ('active', 'discontinued')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('source.orders')
    .addColumn('order_id', 'uuid', (c) => c.primaryKey())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('source.customers.customer_id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN (${inList(ORDER_STATUSES)})`),
    )
    .addColumn('currency', 'text', (c) =>
      c
        .notNull()
        .defaultTo('EUR')
        .check(sql`currency ~ '^[A-Z]{3}$'`),
    )
    .addColumn('total_amount', 'numeric(12, 2)', (c) => c.notNull().check(sql`total_amount >= 0`))
    .addColumn('placed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('orders_customer_idx')
    .on('source.orders')
    .column('customer_id')
    .execute();
  await db.schema
    .createTable('source.order_items')
    .addColumn('order_id', 'uuid', (c) =>
      c.notNull().references('source.orders.order_id').onDelete('cascade'),
    )
    .addColumn('line_no', 'integer', (c) => c.notNull().check(sql`line_no > 0`))
    .addColumn('product_id', 'uuid', (c) => c.notNull().references('source.products.product_id'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('unit_price', 'numeric(12, 2)', (c) => c.notNull().check(sql`unit_price >= 0`))
    .addPrimaryKeyConstraint('order_items_pkey', ['order_id', 'line_no'])
    .execute();

  // raw: landed events, one table per topic; the Kafka coordinates make a record land once.
  for (const { table, key } of RAW_EVENT_TABLES) {
    await db.schema
      .createTable(`raw.${table}`)
      .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
      .addColumn('event_id', 'uuid', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('schema_version', 'integer', (c) => c.notNull())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('producer', 'text', (c) => c.notNull())
      .addColumn(key, 'uuid', (c) => c.notNull())
      .addColumn('payload', 'jsonb', (c) => c.notNull())
      .addColumn('kafka_topic', 'text', (c) => c.notNull())
      .addColumn('kafka_partition', 'integer', (c) => c.notNull())
      .addColumn('kafka_offset', 'bigint', (c) => c.notNull())
      .addColumn('ingested_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint(`${table}_kafka_position_key`, [
        'kafka_topic',
        'kafka_partition',
        'kafka_offset',
      ])
      .execute();
    await db.schema
      .createIndex(`${table}_occurred_at_idx`)
      .on(`raw.${table}`)
      .column('occurred_at')
      .execute();
    await db.schema
      .createIndex(`${table}_event_id_idx`)
      .on(`raw.${table}`)
      .column('event_id')
      .execute();
  }

  // processed: written by the Spark jobs.
  await db.schema
    .createTable('processed.dim_customers')
    .addColumn('customer_id', 'uuid', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('is_deleted', 'boolean', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createTable('processed.dim_products')
    .addColumn('product_id', 'uuid', (c) => c.primaryKey())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('current_price', 'numeric(12, 2)', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createTable('processed.fact_orders')
    .addColumn('order_id', 'uuid', (c) => c.primaryKey())
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addColumn('order_date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('total_amount', 'numeric(12, 2)', (c) => c.notNull())
    .addColumn('placed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('fact_orders_date_idx')
    .on('processed.fact_orders')
    .column('order_date')
    .execute();
  await db.schema
    .createTable('processed.fact_order_items')
    .addColumn('order_id', 'uuid', (c) => c.notNull())
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('product_id', 'uuid', (c) => c.notNull())
    .addColumn('order_date', 'date', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price', 'numeric(12, 2)', (c) => c.notNull())
    .addColumn('line_amount', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('fact_order_items_pkey', ['order_id', 'line_no'])
    .execute();
  await db.schema
    .createIndex('fact_order_items_date_idx')
    .on('processed.fact_order_items')
    .column('order_date')
    .execute();
  await db.schema
    .createTable('processed.daily_sales')
    .addColumn('sales_date', 'date', (c) => c.primaryKey())
    .addColumn('orders_count', 'integer', (c) => c.notNull())
    .addColumn('items_sold', 'integer', (c) => c.notNull())
    .addColumn('revenue', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('avg_order_value', 'numeric(12, 2)', (c) => c.notNull())
    .addColumn('distinct_customers', 'integer', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createTable('processed.product_performance')
    .addColumn('sales_date', 'date', (c) => c.notNull())
    .addColumn('product_id', 'uuid', (c) => c.notNull())
    .addColumn('units_sold', 'integer', (c) => c.notNull())
    .addColumn('revenue', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('orders_count', 'integer', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('product_performance_pkey', ['sales_date', 'product_id'])
    .execute();
  await db.schema
    .createTable('processed.clickstream_sessions')
    .addColumn('session_id', 'uuid', (c) => c.primaryKey())
    .addColumn('customer_id', 'uuid')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz', (c) => c.notNull())
    .addColumn('events_count', 'integer', (c) => c.notNull())
    .addColumn('page_views', 'integer', (c) => c.notNull())
    .addColumn('product_views', 'integer', (c) => c.notNull())
    .addColumn('searches', 'integer', (c) => c.notNull())
    .addColumn('add_to_carts', 'integer', (c) => c.notNull())
    .addColumn('checkout_started', 'boolean', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createTable('processed.realtime_order_metrics')
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('events_count', 'integer', (c) => c.notNull())
    .addColumn('revenue', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('realtime_order_metrics_pkey', ['window_start', 'event_type'])
    .execute();

  // quality: check definitions, runs and results.
  await db.schema
    .createTable('quality.checks')
    .addColumn('check_name', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(sql`kind IN ('reconcile', 'freshness', 'uniqueness', 'referential', 'range')`),
    )
    .addColumn('target_table', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) =>
      c
        .notNull()
        .defaultTo('error')
        .check(sql`severity IN ('error', 'warn')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createTable('quality.check_runs')
    .addColumn('run_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('triggered_by', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('running')
        .check(sql`status IN ('running', 'passed', 'failed')`),
    )
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createTable('quality.check_results')
    .addColumn('run_id', 'bigint', (c) =>
      c.notNull().references('quality.check_runs.run_id').onDelete('cascade'),
    )
    .addColumn('check_name', 'text', (c) => c.notNull().references('quality.checks.check_name'))
    .addColumn('passed', 'boolean', (c) => c.notNull())
    .addColumn('failing_rows', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('example', 'jsonb')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('check_results_pkey', ['run_id', 'check_name'])
    .execute();

  // etl: job runs, watermarks, and consumer offsets committed with the rows they produced.
  await db.schema
    .createTable('etl.job_runs')
    .addColumn('run_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('job_name', 'text', (c) => c.notNull())
    .addColumn('logical_date', 'date')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('running')
        .check(sql`status IN ('running', 'success', 'failed')`),
    )
    .addColumn('triggered_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('rows_written', 'bigint')
    .addColumn('details', 'jsonb')
    .execute();
  await db.schema
    .createIndex('job_runs_job_date_idx')
    .on('etl.job_runs')
    .columns(['job_name', 'logical_date'])
    .execute();
  await db.schema
    .createTable('etl.watermarks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createTable('etl.consumer_offsets')
    .addColumn('consumer_group', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull().check(sql`partition >= 0`))
    .addColumn('next_offset', 'bigint', (c) => c.notNull().check(sql`next_offset >= 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('consumer_offsets_pkey', ['consumer_group', 'topic', 'partition'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const tables = [
    'etl.consumer_offsets',
    'etl.watermarks',
    'etl.job_runs',
    'quality.check_results',
    'quality.check_runs',
    'quality.checks',
    'processed.realtime_order_metrics',
    'processed.clickstream_sessions',
    'processed.product_performance',
    'processed.daily_sales',
    'processed.fact_order_items',
    'processed.fact_orders',
    'processed.dim_products',
    'processed.dim_customers',
    ...RAW_EVENT_TABLES.map(({ table }) => `raw.${table}`),
    'source.order_items',
    'source.orders',
    'source.products',
    'source.customers',
  ];
  for (const table of tables) await db.schema.dropTable(table).ifExists().execute();
}
