import { randomUUID } from 'node:crypto';
import type { CopyRow } from '@datapark/db';
import { copyRows, copyRowsInTransaction, CopyRowError, createPool } from '@datapark/db';
import { config, connections } from './fixtures.js';

const db = connections();
const pool = createPool(config, 'owner', { max: 2 });
const topic = `copy-test-${randomUUID()}`;

afterAll(async () => {
  await db.as('owner').deleteFrom('raw.order_events').where('kafka_topic', '=', topic).execute();
  await db.closeAll();
  await pool.end();
});

function event(offset: number, payload: unknown = { n: offset }): CopyRow<'raw.order_events'> {
  return {
    event_id: randomUUID(),
    event_type: 'order_placed',
    schema_version: 1,
    occurred_at: new Date(Date.UTC(2026, 10, 1, 0, 0, offset % 60)),
    producer: 'copy-test',
    order_id: randomUUID(),
    payload: payload as never,
    kafka_topic: topic,
    kafka_partition: 0,
    kafka_offset: offset,
  };
}

async function landed(partition = 0) {
  return db
    .as('owner')
    .selectFrom('raw.order_events')
    .select(['kafka_offset', 'payload', 'occurred_at'])
    .where('kafka_topic', '=', topic)
    .where('kafka_partition', '=', partition)
    .orderBy('kafka_offset')
    .execute();
}

describe('copyRows', () => {
  it('loads every row, in batches, from an async iterable', async () => {
    async function* rows() {
      for (let i = 0; i < 25_000; i++) yield event(i);
    }
    const progress: number[] = [];
    const result = await copyRows(pool, 'raw.order_events', rows(), {
      batchSize: 10_000,
      onProgress: (n) => progress.push(n),
    });
    expect(result).toEqual({ rows: 25_000, batches: 3 });
    expect(progress).toEqual([10_000, 20_000, 25_000]);
    const back = await landed();
    expect(back).toHaveLength(25_000);
    expect(back[24_999]!.payload).toEqual({ n: 24_999 });
  });

  it('keeps awkward text intact: tabs, newlines, backslashes, quotes, unicode, nulls in JSON', async () => {
    const awkward = {
      s: 'tab\there\nnew line \\ back "quoted" \r ümlaut 🚀',
      n: null,
      list: [1, 'two', { three: 3 }],
    };
    const row = { ...event(0, awkward), kafka_partition: 1 };
    await copyRows(pool, 'raw.order_events', [row]);
    const [back] = await landed(1);
    expect(back!.payload).toEqual(awkward);
    expect(back!.occurred_at).toEqual(row.occurred_at);
  });

  it('aborts only the batch with a bad row, naming the row, and keeps what was committed', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ ...event(i), kafka_partition: 2 }));
    (rows[23] as Record<string, unknown>)['schema_version'] = 'not-a-number';
    const attempt = copyRows(pool, 'raw.order_events', rows, { batchSize: 10 });
    await expect(attempt).rejects.toBeInstanceOf(CopyRowError);
    const error = (await attempt.catch((e: unknown) => e)) as CopyRowError;
    expect(error.rowIndex).toBe(23);
    expect(error.committedRows).toBe(20);
    expect(error.reason).toMatch(/invalid input syntax for type integer: "not-a-number"/);
    expect(error.message).toMatch(/refused row 23 \(event_id=/);
    const back = await landed(2);
    expect(back.map((r) => Number(r.kafka_offset))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it('names the refused row when the JSON is what PostgreSQL refuses (its context has a "line 1" of its own)', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => ({ ...event(i), kafka_partition: 5 }));
    (rows[6] as Record<string, unknown>)['payload'] = { page: '/\u0000' };
    const error = (await copyRows(pool, 'raw.order_events', rows).catch(
      (e: unknown) => e,
    )) as CopyRowError;
    expect(error).toBeInstanceOf(CopyRowError);
    expect(error.reason).toMatch(/unsupported Unicode escape sequence/);
    expect(error.rowIndex).toBe(6);
  });
});

describe('copyRowsInTransaction', () => {
  it("commits or rolls back with the caller's transaction", async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await copyRowsInTransaction(client, 'raw.order_events', [
        { ...event(1), kafka_partition: 3 },
      ]);
      await client.query('ROLLBACK');
      expect(await landed(3)).toHaveLength(0);

      await client.query('BEGIN');
      await copyRowsInTransaction(client, 'raw.order_events', [
        { ...event(1), kafka_partition: 3 },
      ]);
      await client.query('COMMIT');
      expect(await landed(3)).toHaveLength(1);
    } finally {
      client.release();
    }
  });

  it('refuses a duplicate Kafka position, so a record cannot land twice', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await expect(
        copyRowsInTransaction(client, 'raw.order_events', [{ ...event(1), kafka_partition: 3 }]),
      ).rejects.toThrow(/duplicate key value violates unique constraint/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
