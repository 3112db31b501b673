import { sql } from 'kysely';
import type { TableName } from '@datapark/db';
import { connections, Rollback, sampleRows } from './fixtures.js';

const db = connections();
afterAll(() => db.closeAll());

describe('every table round-trips through Kysely', () => {
  it('inserts and reads back one row per table with the types the interface promises', async () => {
    const owner = db.as('owner');
    const rows = sampleRows();
    const seen: Record<string, Record<string, unknown>> = {};
    await expect(
      owner.transaction().execute(async (trx) => {
        for (const [table, row] of Object.entries(rows)) {
          await trx
            .insertInto(table as TableName)
            .values(row as never)
            .execute();
          const back = await trx
            .selectFrom(table as TableName)
            .selectAll()
            .where(sql.ref(Object.keys(row)[0]!), '=', Object.values(row)[0] as never)
            .executeTakeFirstOrThrow();
          seen[table] = back as Record<string, unknown>;
        }
        // check_runs/check_results need the generated run id
        const run = await trx
          .insertInto('quality.check_runs')
          .values({ triggered_by: 'jest' })
          .returning('run_id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('quality.check_results')
          .values({
            run_id: run.run_id,
            check_name: rows['quality.checks'].check_name,
            passed: false,
            failing_rows: 3,
            example: { id: 1 },
            message: 'boom',
          })
          .execute();
        seen['quality.check_results'] = await trx
          .selectFrom('quality.check_results')
          .selectAll()
          .where('run_id', '=', run.run_id)
          .executeTakeFirstOrThrow();
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);

    expect(Object.keys(seen)).toHaveLength(21);
    expect(seen['source.customers']!['registered_at']).toEqual(new Date('2026-11-01T10:00:00Z'));
    expect(seen['source.products']!['price']).toBe('19.99');
    expect(seen['source.products']!['status']).toBe('active');
    expect(seen['source.orders']!['currency']).toBe('EUR');
    expect(seen['raw.order_events']!['payload']).toEqual({
      hello: 'world',
      nested: [1, 2, { x: null }],
    });
    expect(typeof seen['raw.order_events']!['id']).toBe('string');
    expect(seen['processed.fact_orders']!['order_date']).toBe('2026-11-01');
    expect(seen['etl.consumer_offsets']!['next_offset']).toBe('42');
    expect(seen['quality.check_results']!['failing_rows']).toBe('3');
    expect(seen['etl.job_runs']!['status']).toBe('running');
  });

  it('enforces the constraints the model relies on', async () => {
    const owner = db.as('owner');
    const rows = sampleRows();
    const attempt = (mutate: (trx: typeof owner) => Promise<unknown>) =>
      owner.transaction().execute(async (trx) => {
        await trx.insertInto('source.customers').values(rows['source.customers']).execute();
        await trx.insertInto('source.products').values(rows['source.products']).execute();
        await mutate(trx as unknown as typeof owner);
        throw new Rollback();
      });
    await expect(
      attempt((trx) =>
        trx
          .insertInto('source.orders')
          .values({ ...rows['source.orders'], status: 'lost' as never })
          .execute(),
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      attempt((trx) =>
        trx
          .insertInto('source.orders')
          .values({ ...rows['source.orders'], customer_id: rows['source.orders'].order_id })
          .execute(),
      ),
    ).rejects.toThrow(/foreign key/);
    await expect(
      attempt((trx) =>
        trx
          .insertInto('source.products')
          .values({
            ...rows['source.products'],
            product_id: rows['source.orders'].order_id,
            stock: -1,
          })
          .execute(),
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      attempt(async (trx) => {
        await trx.insertInto('raw.order_events').values(rows['raw.order_events']).execute();
        await trx
          .insertInto('raw.order_events')
          .values({ ...rows['raw.order_events'], event_id: rows['source.orders'].order_id })
          .execute();
      }),
    ).rejects.toThrow(
      /duplicate key value violates unique constraint "order_events_kafka_position_key"/,
    );
  });
});
