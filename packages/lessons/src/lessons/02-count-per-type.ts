import { compareCounts, countValidEventsByType } from '../count-events.js';
import {
  committedOffsets,
  deleteGroup,
  describeRange,
  groupMembers,
  offsetsFromJson,
  offsetsToJson,
  placeIdleGroup,
  recordsBetween,
} from '../consumer-group.js';
import { dropTables, readCounts, tableExists, withLabPool } from '../lab-tables.js';
import type { CheckItem, Lesson } from '../lesson.js';
import { produceClickstream } from '../sample-clickstream.js';

const TOPIC = 'clickstream';
/** Events `start` adds to the topic, so there is something to count even with the shop idle. */
export const LESSON_02_EVENTS = 300;

export const countPerTypeNames = (suffix: string) => ({
  groupId: `lab-lesson-02${suffix}`,
  table: `lab.lesson02_event_counts${suffix}`,
  producer: `lab/lesson-02-start${suffix}`,
});

export const countPerType: Lesson = {
  number: 2,
  slug: '02-count-per-type',
  title: 'A consumer that counts events per type into a table of your own',
  hints: [
    'One row per event type, its count updated in place: INSERT … ON CONFLICT (event_type) DO UPDATE SET events = <table>.events + excluded.events.',
    'Count only what eachEvent receives: runEventConsumer sends invalid records to the DLQ and never to your handler.',
    'Your consumer stops when you stop it: wait until it has caught up (your table stops changing), then call stop(), which commits the offsets the checker compares against.',
    'Counted too many? A consumer restarted after a crash reads again what it had not committed: start over with `datapark lesson reset 2` and `start 2`. Lesson 3 fixes it for good.',
  ],

  async start(context) {
    const { groupId, producer } = countPerTypeNames(context.suffix);
    const offsets = await placeIdleGroup(context, groupId, TOPIC);
    await produceClickstream(context, LESSON_02_EVENTS, producer);
    context.log(
      `consumer group ${groupId} placed at the end of ${TOPIC}; ${LESSON_02_EVENTS} events produced after it`,
    );
    return { topic: offsetsToJson(offsets) };
  },

  async check(context, started) {
    const { groupId, table } = countPerTypeNames(context.suffix);
    const from = offsetsFromJson(started['topic']);
    const items: CheckItem[] = [];

    const members = await groupMembers(context, groupId);
    items.push({
      name: `no consumer of group ${groupId} is running`,
      passed: members === 0,
      detail: members === 0 ? 'the group is idle' : `${members} member(s) running`,
      ...(members === 0
        ? {}
        : {
            pointer:
              'stop your consumer once it has caught up: the checker compares your table with the offsets it committed, which move while it runs',
          }),
    });
    const committed = await committedOffsets(context, groupId, TOPIC);
    const consumed = recordsBetween(from, committed);
    items.push({
      name: `group ${groupId} consumed ${TOPIC} since the lesson started`,
      passed: consumed > 0n,
      detail:
        consumed > 0n
          ? `${consumed} records (${describeRange(from, committed)})`
          : 'its committed offsets are where `datapark lesson start 2` put them',
      ...(consumed > 0n
        ? {}
        : {
            pointer: `run your consumer with groupId ${groupId}; offsets are committed as it goes and when it stops`,
          }),
    });

    const counts = await withLabPool(context, async (pool) =>
      (await tableExists(pool, table)) ? readCounts(pool, table) : undefined,
    );
    if (counts === undefined || typeof counts === 'string') {
      items.push({
        name: `${table} holds one count per event type`,
        passed: false,
        detail: counts ?? `${table} does not exist`,
        pointer: 'step 1 of docs/lessons/02-count-per-type.md: the table, as the lab role',
      });
      return items;
    }
    if (consumed === 0n || members > 0) return items;

    context.log(`counting the valid events in ${TOPIC} your group consumed…`);
    const reference = await countValidEventsByType(context, TOPIC, from, committed);
    const diff = compareCounts(counts, reference);
    const total = [...reference.values()].reduce((a, b) => a + b, 0);
    items.push(
      diff.length === 0
        ? {
            name: `${table} matches the events your group consumed`,
            passed: true,
            detail: `${reference.size} event types, ${total} events, every count right`,
          }
        : {
            name: `${table} matches the events your group consumed`,
            passed: false,
            detail: diff
              .map(
                (d) =>
                  `${d.type}: yours ${d.yours}, the topic's ${d.expected} (${signed(d.yours - d.expected)})`,
              )
              .join('; '),
            pointer: diff.every((d) => d.yours > d.expected)
              ? 'more than the topic holds: something was counted twice (a consumer restarted without its commit, a run before a reset?) or invalid records counted'
              : diff.every((d) => d.yours < d.expected)
                ? 'fewer than the topic holds: some events were read but not counted (an early return, a type left out, a row overwritten rather than added to?). A run of the unfinished starter consumed events it never counted: `datapark lesson reset 2`, `datapark lesson start 2`, then run yours again'
                : 'some counts too high, some too low: is each event counted under its own event_type?',
          },
    );
    return items;
  },

  async reset(context) {
    const { groupId, table } = countPerTypeNames(context.suffix);
    await deleteGroup(context, groupId);
    await dropTables(context, [table]);
  },
};

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
