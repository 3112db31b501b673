/**
 * Lesson 3: exactly once. Count events per type, and store how far you got in the same
 * transaction, so that a kill at any moment loses nothing and doubles nothing.
 * The page: docs/lessons/03-exactly-once.md. Check it: datapark lesson check 3 (the checker
 * runs this script itself, kills it with SIGKILL mid-run, starts it again and compares).
 *
 * This is your copy (git ignores it).
 */
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import { connectionFromConfig, consumeBatches, decodeRecord } from '@datapark/kafka';

const GROUP_ID = 'lab-lesson-03';
/** One row per event type: event_type text, events bigint. */
const COUNTS = 'lab.lesson03_event_counts';
/** One row per partition: topic text, partition integer, next_offset bigint (the next to read). */
const OFFSETS = 'lab.lesson03_offsets';

const config = loadConfig();
const pool = createPool(config, 'lab', { max: 2 });

// TODO 1: create COUNTS and OFFSETS if they are not there.
void OFFSETS;
void COUNTS;

// SIGTERM (the checker) or Ctrl-C: abort, so consumeBatches finishes its batch and returns.
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.once('SIGINT', () => stop.abort());

await consumeBatches({
  connection: connectionFromConfig(config, GROUP_ID),
  groupId: GROUP_ID,
  topics: ['clickstream'],
  signal: stop.signal,
  onAssigned: async (assignment, seek) => {
    // TODO 2: seek each assigned partition to where OFFSETS says you got.
    void assignment;
    void seek;
  },
  eachBatch: async (batch, control) => {
    for (const record of batch.records) {
      const decoded = decodeRecord(batch.topic, batch.partition, record);
      if (!decoded.ok) await control.deadLetter(decoded);
    }
    // TODO 3: count the batch's valid events by type and store the partition's next offset,
    // both or neither.
    throw new Error('lesson 3: eachBatch is not written yet (TODO 3)');
  },
});
await pool.end();
