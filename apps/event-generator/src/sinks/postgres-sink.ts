import type { Pool } from '@datapark/db';
import type { DataparkConfig } from '@datapark/config';
import type { SourceCustomers, SourceOrderItems, SourceOrders, SourceProducts } from '@datapark/db';
import { createPool, withPoolClient } from '@datapark/db';
import type { GeneratedEvent } from '../shop-simulation.js';
import type { BatchingOptions } from './batching-sink.js';
import { BatchingSink } from './batching-sink.js';
import { SourceRowChanges } from './source-row-changes.js';
import { GeneratorError } from '../generator-error.js';

/** A column of a `source` table and its PostgreSQL type: the Kysely interfaces check the names. */
type Columns<T> = readonly (readonly [keyof T & string, string])[];
type AnyColumns = readonly (readonly [string, string])[];

const CUSTOMER_COLUMNS: Columns<SourceCustomers> = [
  ['customer_id', 'uuid'],
  ['email', 'text'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['country', 'text'],
  ['city', 'text'],
  ['registered_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['deleted_at', 'timestamptz'],
];
const CUSTOMER_PATCH_COLUMNS = CUSTOMER_COLUMNS.filter(([c]) => c !== 'registered_at');
const PRODUCT_COLUMNS: Columns<SourceProducts> = [
  ['product_id', 'uuid'],
  ['sku', 'text'],
  ['name', 'text'],
  ['category', 'text'],
  ['price', 'numeric'],
  ['stock', 'integer'],
  ['status', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];
const PRODUCT_PATCH_COLUMNS: Columns<SourceProducts> = [
  ['product_id', 'uuid'],
  ['price', 'numeric'],
  ['stock', 'integer'],
  ['status', 'text'],
  ['updated_at', 'timestamptz'],
];
const ORDER_COLUMNS: Columns<SourceOrders> = [
  ['order_id', 'uuid'],
  ['customer_id', 'uuid'],
  ['status', 'text'],
  ['currency', 'text'],
  ['total_amount', 'numeric'],
  ['placed_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];
const ORDER_PATCH_COLUMNS: Columns<SourceOrders> = [
  ['order_id', 'uuid'],
  ['status', 'text'],
  ['updated_at', 'timestamptz'],
];
const ORDER_ITEM_COLUMNS: Columns<SourceOrderItems> = [
  ['order_id', 'uuid'],
  ['line_no', 'integer'],
  ['product_id', 'uuid'],
  ['quantity', 'integer'],
  ['unit_price', 'numeric'],
];

/** `unnest($1::uuid[], $2::text[], …) AS v(a, b, …)`: one parameter per column, any row count. */
function unnest(columns: AnyColumns): string {
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  return `unnest(${arrays}) AS v(${columns.map(([c]) => c).join(', ')})`;
}

function params(rows: Iterable<object>, columns: AnyColumns): unknown[][] {
  const arrays: unknown[][] = columns.map(() => []);
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    columns.forEach(([c], i) => arrays[i]!.push(record[c]));
  }
  return arrays;
}

/**
 * Inserts rows; a row already there (a restart replaying the same seed) takes the new values
 * only if they are not older than what it holds, so a replay never moves a row back in time.
 */
function upsert(table: string, key: string, columns: AnyColumns, keep: string[]): string {
  const names = columns.map(([c]) => c);
  const set = names
    .filter((c) => c !== key && !keep.includes(c))
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  return (
    `INSERT INTO ${table} AS t (${names.join(', ')}) SELECT * FROM ${unnest(columns)} ` +
    `ON CONFLICT (${key}) DO UPDATE SET ${set} WHERE t.updated_at <= excluded.updated_at`
  );
}

/** Updates the columns a patch names (NULL: unchanged), again never backwards in time. */
function patch(table: string, key: string, columns: AnyColumns): string {
  const set = columns
    .filter(([c]) => c !== key)
    .map(([c]) => (c === 'updated_at' ? `${c} = v.${c}` : `${c} = COALESCE(v.${c}, t.${c})`))
    .join(', ');
  return (
    `UPDATE ${table} AS t SET ${set} FROM ${unnest(columns)} ` +
    `WHERE t.${key} = v.${key} AND t.updated_at <= v.updated_at`
  );
}

const SQL = {
  customers: upsert('source.customers', 'customer_id', CUSTOMER_COLUMNS, ['registered_at']),
  customerPatches: patch('source.customers', 'customer_id', CUSTOMER_PATCH_COLUMNS),
  products: upsert('source.products', 'product_id', PRODUCT_COLUMNS, ['created_at']),
  productPatches: patch('source.products', 'product_id', PRODUCT_PATCH_COLUMNS),
  orders: upsert('source.orders', 'order_id', ORDER_COLUMNS, ['placed_at']),
  orderItems:
    `INSERT INTO source.order_items (${ORDER_ITEM_COLUMNS.map(([c]) => c).join(', ')}) ` +
    `SELECT * FROM ${unnest(ORDER_ITEM_COLUMNS)} ON CONFLICT (order_id, line_no) DO NOTHING`,
  orderPatches: patch('source.orders', 'order_id', ORDER_PATCH_COLUMNS),
} as const;

// PostgreSQL error classes that retrying cannot fix: data (22) and integrity (23) errors, syntax
// and access (42). Anything else (a dropped connection, a restart) is retried.
const PERMANENT = /^(22|23|42)/;
const RETRIES = 5;

/**
 * The shop's OLTP tables in the `source` schema, kept consistent with the events, as the
 * `generator` role. Each batch is folded into row changes and written in one transaction of
 * set-based statements (parents first: customers and products, then orders, then their lines),
 * so a batch is all there or not at all. Idempotent: upserts keyed by id, and updates guarded by
 * `updated_at`, so a restart with the same seed converges to the same rows.
 */
export class PostgresSink extends BatchingSink {
  readonly name = 'postgres' as const;
  private healthy = true;

  private constructor(
    private readonly pool: Pool,
    options: BatchingOptions,
  ) {
    super(options);
  }

  /** Connects as `generator` and checks it can write `source` (fails fast, naming the fix). */
  static async connect(config: DataparkConfig, options: BatchingOptions): Promise<PostgresSink> {
    const pool = createPool(config, 'generator', { max: 1, application_name: 'event-generator' });
    try {
      await pool.query('SELECT 1 FROM source.customers LIMIT 0');
    } catch (error) {
      await pool.end();
      throw new GeneratorError(
        `PostgreSQL sink: cannot reach source.customers as role generator at ` +
          `${config.postgres.host}:${config.postgres.port} (${(error as Error).message}). ` +
          `Is the platform up (npx nx run platform:up --only postgres) and migrated?`,
        { code: 'SINK_UNREACHABLE', hint: 'npx nx run platform:up --only postgres', cause: error },
      );
    }
    return new PostgresSink(pool, options);
  }

  get connected(): boolean {
    return this.healthy;
  }

  protected laneOf(): string {
    // One lane: an order's row needs its customer's, so batches commit in order.
    return 'source';
  }

  protected async sendBatch(_lane: string, events: readonly GeneratedEvent[]): Promise<void> {
    const changes = new SourceRowChanges();
    for (const event of events) changes.add(event);
    if (changes.empty) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commit(changes);
        this.healthy = true;
        return;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (PERMANENT.test(code) || attempt > RETRIES) throw error;
        this.healthy = false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(8_000, 250 * 2 ** attempt)));
      }
    }
  }

  private async commit(c: SourceRowChanges): Promise<void> {
    // A failed ROLLBACK means the connection is gone: withPoolClient then discards it.
    let rollbackFailed = false;
    await withPoolClient(
      this.pool,
      async (client) => {
        await client.query('BEGIN');
        const run = async (sql: string, rows: Iterable<object>, columns: AnyColumns) => {
          const values = params(rows, columns);
          if (values[0]!.length > 0) await client.query(sql, values);
        };
        try {
          await run(SQL.customers, c.customerInserts.values(), CUSTOMER_COLUMNS);
          await run(SQL.products, c.productInserts.values(), PRODUCT_COLUMNS);
          await run(SQL.customerPatches, c.customerPatches.values(), CUSTOMER_PATCH_COLUMNS);
          await run(SQL.productPatches, c.productPatches.values(), PRODUCT_PATCH_COLUMNS);
          await run(SQL.orders, c.orderInserts.values(), ORDER_COLUMNS);
          await run(SQL.orderItems, c.orderItems, ORDER_ITEM_COLUMNS);
          await run(SQL.orderPatches, c.orderPatches.values(), ORDER_PATCH_COLUMNS);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            rollbackFailed = true;
          });
          throw error;
        }
      },
      { breaksConnection: () => rollbackFailed },
    );
  }

  protected async disconnect(): Promise<void> {
    this.healthy = false;
    await this.pool.end();
  }
}
