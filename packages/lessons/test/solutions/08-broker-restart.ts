// Reference solution of lesson 8. It also does the learner's second terminal: a third of the way
// in it stops kafka-2 (`datapark stop kafka-2`), and 30 batches (30 s) later starts it again.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { loadConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import type { EventOf } from '@datapark/events';
import { buildEvent } from '@datapark/events';
import { connectionFromConfig, EventProducer, readRange, topicEndOffsets } from '@datapark/kafka';

const RUNS = 'lab.lesson08_runs';
const PRODUCER = 'lab/lesson-08';
const EVENTS = 3000;
/** The broker the drill stops ('' for none). */
const STOP_BROKER = 'kafka-2';

const config = loadConfig();
const connection = connectionFromConfig(config, 'lab-lesson-08');
const pool = createPool(config, 'lab', { max: 1 });
const runId = randomUUID();
const producer = `${PRODUCER}/${runId}`;
await pool.query(`CREATE TABLE IF NOT EXISTS ${RUNS} (
  run_id text PRIMARY KEY, sent integer NOT NULL, in_topic integer NOT NULL,
  distinct_in_topic integer NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL)`);

const datapark = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['apps/datapark-cli/dist/cli.js', ...args]);

const startedAt = new Date();
const before = await topicEndOffsets(connection, 'clickstream');
console.log(`run ${runId}: producing ${EVENTS} page views`);

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

const events = await EventProducer.connect(connection);
let drill: Promise<unknown> = Promise.resolve();
let stopped = false;
try {
  for (let n = 1; n <= EVENTS; n += 50) {
    await events.send('clickstream', pages(n, Math.min(n + 49, EVENTS)));
    if (STOP_BROKER && n === 901) {
      console.log(`stopping ${STOP_BROKER}`);
      stopped = true;
      drill = datapark('stop', STOP_BROKER);
    }
    if (STOP_BROKER && n === 2401) {
      await drill;
      console.log(`starting ${STOP_BROKER}`);
      drill = datapark('start', STOP_BROKER).then(() => (stopped = false));
    }
    await sleep(1000);
  }
  await drill;
} finally {
  await events.disconnect();
  if (stopped) await datapark('start', STOP_BROKER);
}
const finishedAt = new Date();

// The proof, from the topic: what landed since it ended before the run.
const seen = new Map<string, number>();
let inTopic = 0;
for (const { message } of await readRange(connection, 'clickstream', before)) {
  const event = JSON.parse(message.value?.toString() ?? 'null') as {
    producer?: string;
    payload?: { page?: string };
  } | null;
  if (event?.producer !== producer) continue;
  inTopic++;
  const page = event.payload?.page ?? '';
  seen.set(page, (seen.get(page) ?? 0) + 1);
}
await pool.query(
  `INSERT INTO ${RUNS} (run_id, sent, in_topic, distinct_in_topic, started_at, finished_at)
   VALUES ($1, $2, $3, $4, $5, $6)`,
  [runId, EVENTS, inTopic, seen.size, startedAt, finishedAt],
);
console.log(`run ${runId}: sent ${EVENTS}, in the topic ${inTopic}, distinct ${seen.size}`);
await pool.end();
