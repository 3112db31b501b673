// Reference solution of lesson 2, run by its test as a learner runs theirs. It stops by itself
// once it has read every partition up to where the topic ended when it began.
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import { connectionFromConfig, runEventConsumer, topicEndOffsets } from '@datapark/kafka';
import type { RecordPosition } from '@datapark/kafka';

const suffix = process.env['DATAPARK_LESSON_SUFFIX'] ?? '';
const GROUP_ID = `lab-lesson-02${suffix}`;
const TABLE = `lab.lesson02_event_counts${suffix}`;

const config = loadConfig();
const kafka = connectionFromConfig(config, GROUP_ID);
const pool = createPool(config, 'lab', { max: 2 });
await pool.query(
  `CREATE TABLE IF NOT EXISTS ${TABLE} (event_type text PRIMARY KEY, events bigint NOT NULL)`,
);

const end = await topicEndOffsets(kafka, 'clickstream');
const seen = new Map<number, bigint>();
let lastRecordAt = Date.now();
const note = (position: RecordPosition) => {
  seen.set(position.partition, BigInt(position.offset));
  lastRecordAt = Date.now();
};
const consumer = await runEventConsumer(kafka, {
  groupId: GROUP_ID,
  topics: ['clickstream'],
  eachEvent: async (event, position) => {
    await pool.query(
      `INSERT INTO ${TABLE} (event_type, events) VALUES ($1, 1)
       ON CONFLICT (event_type) DO UPDATE SET events = ${TABLE}.events + 1`,
      [event.event_type],
    );
    note(position);
  },
  onDeadLetter: (_reason, position) => note(position),
});
const caughtUp = () =>
  [...end].every(([p, o]) => BigInt(o) === 0n || (seen.get(p) ?? -1n) >= BigInt(o) - 1n);
while (!caughtUp() && Date.now() - lastRecordAt < 10_000)
  await new Promise((resolve) => setTimeout(resolve, 250));
await consumer.stop();
await pool.end();
console.log(`counted up to ${[...seen].map(([p, o]) => `p${p}@${o}`).join(' ')}`);
