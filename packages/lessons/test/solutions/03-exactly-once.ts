// Reference solution of lesson 3, run by the checker itself (which kills it mid-run).
// Counts and the partition's next offset in one transaction; the restart seeks to the stored
// offsets, and a batch fetched before that seek is cut at the stored offset.
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import { connectionFromConfig, consumeBatches, decodeRecord } from '@datapark/kafka';

const suffix = process.env['DATAPARK_LESSON_SUFFIX'] ?? '';
const GROUP_ID = `lab-lesson-03${suffix}`;
const COUNTS = `lab.lesson03_event_counts${suffix}`;
const OFFSETS = `lab.lesson03_offsets${suffix}`;

const config = loadConfig();
const pool = createPool(config, 'lab', { max: 2 });
await pool.query(
  `CREATE TABLE IF NOT EXISTS ${COUNTS} (event_type text PRIMARY KEY, events bigint NOT NULL)`,
);
await pool.query(`CREATE TABLE IF NOT EXISTS ${OFFSETS} (
  topic text NOT NULL, partition integer NOT NULL, next_offset bigint NOT NULL,
  PRIMARY KEY (topic, partition))`);

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.once('SIGINT', () => stop.abort());

await consumeBatches({
  connection: connectionFromConfig(config, GROUP_ID),
  groupId: GROUP_ID,
  topics: ['clickstream'],
  signal: stop.signal,
  onAssigned: async (assignment, seek) => {
    const mine = assignment.get('clickstream') ?? [];
    const { rows } = await pool.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${OFFSETS} WHERE topic = 'clickstream'`,
    );
    for (const row of rows)
      if (mine.includes(row.partition)) seek('clickstream', row.partition, BigInt(row.next_offset));
  },
  eachBatch: async (batch, control) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ next_offset: string }>(
        `SELECT next_offset FROM ${OFFSETS} WHERE topic = $1 AND partition = $2 FOR UPDATE`,
        [batch.topic, batch.partition],
      );
      const stored = rows[0] ? BigInt(rows[0].next_offset) : -1n;
      const counts = new Map<string, number>();
      for (const record of batch.records) {
        if (BigInt(record.offset) < stored) continue; // counted before a restart
        const decoded = decodeRecord(batch.topic, batch.partition, record);
        if (!decoded.ok) await control.deadLetter(decoded);
        else counts.set(decoded.event.event_type, (counts.get(decoded.event.event_type) ?? 0) + 1);
      }
      for (const [type, n] of counts)
        await client.query(
          `INSERT INTO ${COUNTS} (event_type, events) VALUES ($1, $2)
           ON CONFLICT (event_type) DO UPDATE SET events = ${COUNTS}.events + excluded.events`,
          [type, n],
        );
      const next = BigInt(batch.records.at(-1)!.offset) + 1n;
      await client.query(
        `INSERT INTO ${OFFSETS} (topic, partition, next_offset) VALUES ($1, $2, $3)
         ON CONFLICT (topic, partition) DO UPDATE SET next_offset = GREATEST(${OFFSETS}.next_offset, excluded.next_offset)`,
        [batch.topic, batch.partition, String(next)],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  },
});
await pool.end();
