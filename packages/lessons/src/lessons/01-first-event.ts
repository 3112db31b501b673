import type { KafkaRecord, RangeRecord } from '@datapark/kafka';
import { decodeRecord, HEADERS, headerText, readRange, topicEndOffsets } from '@datapark/kafka';
import {
  committedOffsets,
  deleteGroup,
  offsetsFromJson,
  offsetsToJson,
  placeIdleGroup,
} from '../consumer-group.js';
import type { CheckItem, Lesson } from '../lesson.js';

const TOPIC = 'clickstream';
const DLQ = 'clickstream.dlq';

/** The names the learner's script uses (with a test's suffix, a test's). */
export const firstEventNames = (suffix: string) => ({
  producer: `lab/lesson-01${suffix}`,
  groupId: `lab-lesson-01${suffix}`,
});

/** The `producer` of a record's envelope, if its value is JSON that has one. */
function producerOf(message: KafkaRecord): string | undefined {
  try {
    const value = JSON.parse(String(message.value)) as { producer?: unknown };
    return typeof value?.producer === 'string' ? value.producer : undefined;
  } catch {
    return undefined;
  }
}

export const firstEvent: Lesson = {
  number: 1,
  slug: '01-first-event',
  title: 'Produce your first typed event, and see the DLQ take a bad one',
  hints: [
    'EventProducer.send takes a catalog topic and events of that topic: buildEvent (@datapark/events) makes one and fills in the envelope; pass your producer name in its last argument.',
    'A record EventProducer refuses before sending is one you cannot send with it: UncheckedProducer sends any bytes. Keep your producer name in the JSON so the checker knows it is yours.',
    'runEventConsumer calls eachEvent for valid events only; the rest it sends to <topic>.dlq. It keeps running: wait until onDeadLetter has been called, then stop() it, which commits the group’s offsets.',
  ],

  async start(context) {
    const { groupId } = firstEventNames(context.suffix);
    // A new group would read the topic from its oldest record (days of the shop's clicks):
    // placed at the end now, it starts with what the learner sends next.
    const topic = await placeIdleGroup(context, groupId, TOPIC);
    return {
      topic: offsetsToJson(topic),
      dlq: offsetsToJson(await topicEndOffsets(context.kafka, DLQ)),
    };
  },

  async check(context, started) {
    const { producer, groupId } = firstEventNames(context.suffix);
    const items: CheckItem[] = [];
    context.log(`reading ${TOPIC} since lesson start…`);
    const mine = (await readRange(context.kafka, TOPIC, offsetsFromJson(started['topic']))).filter(
      (r) => producerOf(r.message) === producer,
    );
    const decoded = mine.map((r) => ({
      ...r,
      decoded: decodeRecord(TOPIC, r.partition, r.message),
    }));
    const typed = decoded.filter(
      (r) => r.decoded.ok && headerText(r.message.headers?.[HEADERS.schemaSubject]) !== undefined,
    );
    const untyped = decoded.filter(
      (r) => r.decoded.ok && headerText(r.message.headers?.[HEADERS.schemaSubject]) === undefined,
    );
    const bad = decoded.filter((r) => !r.decoded.ok);

    items.push(
      typed.length > 0
        ? {
            name: `a typed event from ${producer} in ${TOPIC}`,
            passed: true,
            detail: `${typed.length} found, e.g. ${eventTypeOf(typed[0]!)} at ${at(typed[0]!)}, with its contract in the headers (${headerText(typed[0]!.message.headers?.[HEADERS.schemaSubject])})`,
          }
        : {
            name: `a typed event from ${producer} in ${TOPIC}`,
            passed: false,
            detail:
              untyped.length > 0
                ? `${untyped.length} valid record(s) of yours, but none carries the schema-subject header that EventProducer adds`
                : mine.length > 0
                  ? `${mine.length} record(s) of yours, none of them a valid event`
                  : `no record whose envelope says producer "${producer}" since \`datapark lesson start 1\``,
            pointer:
              'send it with EventProducer (docs/lessons/01-first-event.md, step 2): it validates the event against the catalog and adds its contract to the headers',
          },
    );
    items.push(
      bad.length > 0
        ? {
            name: `a bad record from ${producer} in ${TOPIC}`,
            passed: true,
            detail: `${bad.length} found, e.g. at ${at(bad[0]!)}: ${reasonOf(bad[0]!.decoded)}`,
          }
        : {
            name: `a bad record from ${producer} in ${TOPIC}`,
            passed: false,
            detail: 'none of your records in the topic fails the catalog’s validation',
            pointer:
              'step 3 of the page: a record the catalog refuses, sent without the check EventProducer makes, with your producer name in its JSON',
          },
    );
    if (bad.length === 0) return items;

    context.log(`reading ${DLQ} since lesson start…`);
    const deadLetters = await readRange(context.kafka, DLQ, offsetsFromJson(started['dlq']));
    const takenIn = bad
      .map((b) => ({
        bad: b,
        letter: deadLetters.find(
          (d) =>
            headerText(d.message.headers?.[HEADERS.dlqSourceTopic]) === TOPIC &&
            headerText(d.message.headers?.[HEADERS.dlqSourcePartition]) === String(b.partition) &&
            headerText(d.message.headers?.[HEADERS.dlqSourceOffset]) === b.message.offset,
        ),
      }))
      .filter((t) => t.letter !== undefined);
    items.push(
      takenIn.length > 0
        ? {
            name: `the DLQ (${DLQ}) took your bad record`,
            passed: true,
            // Where it is: the DLQ holds every bad record ever sent (the tests' too), so
            // --from-beginning would bury this one.
            detail: `the reason in its headers: ${headerText(takenIn[0]!.letter!.message.headers?.[HEADERS.dlqReason])}; see it: npx datapark kafka consume ${DLQ} --partition ${takenIn[0]!.letter!.partition} --offset ${takenIn[0]!.letter!.message.offset} --max-messages 1 --formatter-property print.headers=true`,
          }
        : {
            name: `the DLQ (${DLQ}) took your bad record`,
            passed: false,
            detail: `your bad record at ${at(bad[0]!)} is not in ${DLQ}: no consumer has read it yet`,
            pointer:
              'step 4 of the page: a consumer that validates what it reads (runEventConsumer) moves what fails to the DLQ',
          },
    );

    const committed = await committedOffsets(context, groupId, TOPIC);
    const readPast = bad.filter(
      (b) => BigInt(committed.get(b.partition) ?? '-1') > BigInt(b.message.offset),
    );
    items.push(
      readPast.length > 0
        ? {
            name: `your consumer group ${groupId} read past it`,
            passed: true,
            detail: `its committed offset on partition ${readPast[0]!.partition} is ${committed.get(readPast[0]!.partition)}, past ${readPast[0]!.message.offset}`,
          }
        : {
            name: `your consumer group ${groupId} read past it`,
            passed: false,
            detail:
              committed.size === 0
                ? `group ${groupId} has committed no offsets on ${TOPIC}`
                : `group ${groupId} has not committed past your bad record (${at(bad[0]!)})`,
            pointer:
              'run your consumer with that groupId until it has dead-lettered the record, then stop() it: stopping commits its offsets',
          },
    );
    return items;
  },

  async reset(context) {
    await deleteGroup(context, firstEventNames(context.suffix).groupId);
  },
};

type Decoded = { readonly decoded: ReturnType<typeof decodeRecord<'clickstream'>> } & RangeRecord;

const at = (r: RangeRecord) => `partition ${r.partition}, offset ${r.message.offset}`;
const eventTypeOf = (r: Decoded) => (r.decoded.ok ? r.decoded.event.event_type : '?');
const reasonOf = (d: Decoded['decoded']) => (d.ok ? '' : d.reason);
