import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen with this migration: the live list is schema/layout.ts.
const RAW_TABLES = ['customer_events', 'product_events', 'order_events', 'clickstream_events'];

/**
 * What the pipeline-health dashboard shows beside the job runs and checks, readable without the
 * events themselves:
 * - `etl.dead_letters`: one row per record ingest sent to a DLQ topic, with the reason and the
 *   group that first did, written in the batch's transaction with its rows and offsets, so it
 *   counts each dead letter once (the DLQ topic itself is at-least-once: a retried batch, or a
 *   replay by another group, sends its dead letters again);
 * - `etl.landed_per_hour`: rows landed in `raw` per topic and hour, a view over the raw tables,
 *   so a reader granted the view sees counts and no payload.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('etl.dead_letters')
    .addColumn('consumer_group', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull().check(sql`partition >= 0`))
    .addColumn('kafka_offset', 'bigint', (c) => c.notNull().check(sql`kafka_offset >= 0`))
    .addColumn('code', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('dead_lettered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A record's position: a replay by another group dead-letters it again, but it is one record.
    .addPrimaryKeyConstraint('dead_letters_pkey', ['topic', 'partition', 'kafka_offset'])
    .execute();
  await db.schema
    .createIndex('dead_letters_at_idx')
    .on('etl.dead_letters')
    .column('dead_lettered_at')
    .execute();
  const perTable = RAW_TABLES.map(
    (table) =>
      `SELECT kafka_topic, date_trunc('hour', ingested_at), count(*) FROM raw.${table} GROUP BY 1, 2`,
  );
  await sql
    .raw(
      `CREATE VIEW etl.landed_per_hour (topic, hour, rows_landed) AS\n${perTable.join('\nUNION ALL\n')}`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP VIEW etl.landed_per_hour`.execute(db);
  await db.schema.dropTable('etl.dead_letters').execute();
}
