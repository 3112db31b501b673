/**
 * Lesson 2: a consumer that counts events per type into a table of your own.
 * The page: docs/lessons/02-count-per-type.md. Run it: node lab/lessons/02-count-per-type.ts
 * Stop it with Ctrl-C once it has caught up; then check it: datapark lesson check 2
 *
 * This is your copy (git ignores it).
 */
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import { connectionFromConfig, runEventConsumer } from '@datapark/kafka';

/** `datapark lesson start 2` placed this group at the end of clickstream, then produced 300 events. */
const GROUP_ID = 'lab-lesson-02';
/** One row per event type: event_type text, events bigint. */
const TABLE = 'lab.lesson02_event_counts';

const config = loadConfig();
const pool = createPool(config, 'lab', { max: 2 });

// TODO 1: create TABLE (if it is not there yet), as the lab role.
void TABLE;

// TODO 2: count every valid event of clickstream into TABLE, by its event_type.
const consumer = await runEventConsumer(connectionFromConfig(config, GROUP_ID), {
  groupId: GROUP_ID,
  topics: ['clickstream'],
  eachEvent: async (event) => {
    void event; // TODO: add 1 to the count of event.event_type
  },
});
console.log(`consuming clickstream as ${GROUP_ID}; Ctrl-C to stop`);

// Ctrl-C: stop consuming (which commits the group's offsets), then close the pool.
process.once('SIGINT', () => {
  void consumer
    .stop()
    .then(() => pool.end())
    .then(() => console.log('stopped'));
});
