/**
 * Lesson 1: produce your first typed event, and see the DLQ take a bad one.
 * The page: docs/lessons/01-first-event.md. Run it: node lab/lessons/01-first-event.ts
 * Check it: datapark lesson check 1
 *
 * This is your copy (git ignores it). Fill in the three TODOs, in order.
 */
import { loadConfig } from '@datapark/config';
import { buildEvent } from '@datapark/events';
import {
  connectionFromConfig,
  EventProducer,
  runEventConsumer,
  UncheckedProducer,
} from '@datapark/kafka';

/** Your name as a producer: the envelope's `producer` field. The checker looks for it. */
const PRODUCER = 'lab/lesson-01';
/** Your consumer group: `datapark lesson start 1` placed it at the end of clickstream. */
const GROUP_ID = 'lab-lesson-01';

const config = loadConfig();
const kafka = connectionFromConfig(config, 'lab-lesson-01');

// TODO 1: build one valid clickstream event (a page_view is the simplest) with buildEvent,
// with PRODUCER as its producer, and send it with EventProducer. Print its event_id.
void buildEvent;
void EventProducer;

// TODO 2: send one record to clickstream that the catalog refuses (a page_view without its
// `page`, say), still with PRODUCER in its JSON. EventProducer would not send it: what would?
void UncheckedProducer;

// TODO 3: consume clickstream with runEventConsumer as GROUP_ID. Print each valid event's type,
// and, in onDeadLetter, the reason your bad record was refused. Once that has been called,
// stop() the consumer (stopping commits its offsets).
void runEventConsumer;
void [PRODUCER, GROUP_ID, kafka];

console.log('lesson 1: nothing done yet; fill in the TODOs in lab/lessons/01-first-event.ts');
