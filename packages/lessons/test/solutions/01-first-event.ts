// Reference solution of lesson 1, run by its test as a learner runs theirs (node on this file).
// Kept here, apart from the starter and the page: the lesson never shows it.
import { loadConfig } from '@datapark/config';
import { buildEvent } from '@datapark/events';
import {
  connectionFromConfig,
  EventProducer,
  runEventConsumer,
  UncheckedProducer,
} from '@datapark/kafka';
import { randomUUID } from 'node:crypto';

const suffix = process.env['DATAPARK_LESSON_SUFFIX'] ?? '';
const PRODUCER = `lab/lesson-01${suffix}`;
const GROUP_ID = `lab-lesson-01${suffix}`;
const kafka = connectionFromConfig(loadConfig(), GROUP_ID);

const session_id = randomUUID();
const event = buildEvent(
  'clickstream',
  'page_view',
  { session_id, customer_id: null, page: '/lessons/1', referrer: null },
  { producer: PRODUCER },
);
const producer = await EventProducer.connect(kafka);
await producer.send('clickstream', [event]);
await producer.disconnect();
console.log(`sent ${event.event_id}`);

const { page: _page, ...withoutPage } = event.payload;
const unchecked = await UncheckedProducer.connect(kafka);
await unchecked.send('clickstream', [
  {
    key: session_id,
    value: JSON.stringify({ ...event, event_id: randomUUID(), payload: withoutPage }),
  },
]);
await unchecked.disconnect();

let deadLettered: () => void = () => undefined;
const done = new Promise<void>((resolve) => (deadLettered = resolve));
const consumer = await runEventConsumer(kafka, {
  groupId: GROUP_ID,
  topics: ['clickstream'],
  eachEvent: async () => undefined,
  onDeadLetter: (reason, position) => {
    console.log(`dead-lettered ${position.partition}/${position.offset}: ${reason}`);
    deadLettered();
  },
});
await done;
await consumer.stop();
