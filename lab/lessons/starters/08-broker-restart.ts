/**
 * Lesson 8: operations. Produce a known set of events while a broker stops and comes back, then
 * prove from the topic that none was lost and none doubled.
 * The page: docs/lessons/08-broker-restart.md. Run it: node lab/lessons/08-broker-restart.ts
 * and, while it runs, in a second terminal: npx datapark stop kafka-2; 30 s or more later,
 * npx datapark start kafka-2. Check it: datapark lesson check 8
 *
 * This is your copy (git ignores it). Fill in the four TODOs, in order.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import type { EventOf } from '@datapark/events';
import { buildEvent } from '@datapark/events';
import { connectionFromConfig, EventProducer, readRange, topicEndOffsets } from '@datapark/kafka';

/** One row per run: run_id, sent, in_topic, distinct_in_topic, started_at, finished_at. */
const RUNS = 'lab.lesson08_runs';
/** Every event of a run has the producer `lab/lesson-08/<run id>`: the checker finds it so. */
const PRODUCER = 'lab/lesson-08';
/** The known set: page views of /lesson-08/1 … /lesson-08/3000, each once. */
const EVENTS = 3000;

const config = loadConfig();
const connection = connectionFromConfig(config, 'lab-lesson-08');
const pool = createPool(config, 'lab', { max: 1 });
const runId = randomUUID();
const producer = `${PRODUCER}/${runId}`;

// TODO 1: create RUNS if it is not there.
void RUNS;

const startedAt = new Date();
const before = await topicEndOffsets(connection, 'clickstream');
console.log(`run ${runId}: producing ${EVENTS} page views over a minute; stop a broker now`);

/** Pages from..to of the known set, ten to a session (sessions spread over the partitions). */
function pages(from: number, to: number): EventOf<'clickstream'>[] {
  const events: EventOf<'clickstream'>[] = [];
  let session = randomUUID();
  for (let n = from; n <= to; n++) {
    if (n % 10 === 1) session = randomUUID();
    events.push(
      buildEvent(
        'clickstream',
        'page_view',
        { session_id: session, customer_id: null, page: `/lesson-08/${n}`, referrer: null },
        { producer },
      ),
    );
  }
  return events;
}

// Paced, 50 a second: a minute in which to stop a broker and start it again.
for (let n = 1; n <= EVENTS; n += 50) {
  if (n > 1) await sleep(1000);
  const batch = pages(n, Math.min(n + 49, EVENTS));
  // TODO 2: send the batch to clickstream with a producer that survives a broker going away
  // (which one? the page, "The producer").
  void batch;
  void EventProducer;
  throw new Error('lesson 8: sending is not written yet (TODO 2)');
}

// TODO 3: read clickstream back from `before` (readRange), and count the records whose
// producer is yours, and the distinct pages among them.
void readRange;
void before;

// TODO 4: insert this run's row into RUNS: runId, EVENTS, what you counted, startedAt, now.
void startedAt;
await pool.end();
