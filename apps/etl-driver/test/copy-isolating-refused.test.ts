import { randomUUID } from 'node:crypto';
import { copyIsolatingRefused } from '../src/ingest/copy-isolating-refused.js';
import { RAW_TABLE_OF, rawColumns, toRawRow } from '../src/ingest/raw-tables.js';
import { pool, validEvents } from './fixtures.js';

const ingestDb = pool('ingest');
afterAll(() => ingestDb.end());

describe('copyIsolatingRefused', () => {
  it('copies every row PostgreSQL accepts and sets aside each one it refuses for its content, with the SQLSTATE, in one transaction', async () => {
    const topic = 'clickstream';
    const table = RAW_TABLE_OF[topic];
    const kafkaTopic = `test-refused-${randomUUID()}`;
    const events = validEvents(topic, 12);
    // Bypassing the schema, as an untyped producer would: each breaks one rule of PostgreSQL's.
    const spoil: Record<number, [string, (e: (typeof events)[number]) => object]> = {
      1: ['22P05', (e) => ({ ...e, payload: { ...e.payload, page: '/\u0000x' } })],
      5: ['22021', (e) => ({ ...e, producer: 'gen\u0000' })],
      6: ['22003', (e) => ({ ...e, schema_version: 3_000_000_000 })],
      10: ['22P02', (e) => ({ ...e, payload: { ...e.payload, page: '/\ud800' } })],
    };
    const items = events.map((event, i) => ({
      i,
      row: toRawRow(topic, (spoil[i]?.[1](event) ?? event) as typeof event, {
        topic: kafkaTopic,
        partition: 0,
        offset: String(i),
      }),
    }));
    const client = await ingestDb.connect();
    try {
      await client.query('BEGIN');
      const refused = await copyIsolatingRefused(client, table, items, rawColumns(topic));
      expect(refused.map((r) => [r.item.i, r.sqlstate])).toEqual(
        Object.entries(spoil).map(([i, [code]]) => [Number(i), code]),
      );
      expect(refused[0]!.reason).toMatch(/unsupported Unicode escape sequence/);
      // The transaction is still usable and holds exactly the accepted rows.
      const { rows } = await client.query<{ kafka_offset: string }>(
        `SELECT kafka_offset FROM ${table} WHERE kafka_topic = $1 ORDER BY kafka_offset`,
        [kafkaTopic],
      );
      expect(rows.map((r) => Number(r.kafka_offset))).toEqual(
        items.map((x) => x.i).filter((i) => !(i in spoil)),
      );
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('throws what is not about a row’s content (a missing column) instead of setting rows aside', async () => {
    const topic = 'clickstream';
    const [event] = validEvents(topic, 1);
    const row = toRawRow(topic, event!, { topic: 'x', partition: 0, offset: '0' });
    const client = await ingestDb.connect();
    try {
      await client.query('BEGIN');
      await expect(
        copyIsolatingRefused(
          client,
          RAW_TABLE_OF[topic],
          [{ row }],
          [...rawColumns(topic), 'no_such_column'],
        ),
      ).rejects.toThrow(/no_such_column/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
