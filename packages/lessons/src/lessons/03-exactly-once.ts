import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PartitionOffsets } from '@datapark/kafka';
import { topicEndOffsets } from '@datapark/kafka';
import { compareCounts, countValidEventsByType } from '../count-events.js';
import {
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
import type { LessonContext } from '../lesson-context.js';
import type { LearnerProcess } from '../run-learner-script.js';
import { runLearnerScript, stopLearnerScript } from '../run-learner-script.js';
import { produceClickstream } from '../sample-clickstream.js';

const TOPIC = 'clickstream';
const SLUG = '03-exactly-once';

export const exactlyOnceNames = (suffix: string) => ({
  groupId: `lab-lesson-03${suffix}`,
  counts: `lab.lesson03_event_counts${suffix}`,
  offsets: `lab.lesson03_offsets${suffix}`,
  producer: `lab/lesson-03-check${suffix}`,
});

/** How long the checker waits for the learner's consumer to store its first offsets. */
const FIRST_PROGRESS_MS = 120_000;
/** How long it waits for the restarted consumer to catch up with everything produced. */
const CATCH_UP_MS = 180_000;

/** The offsets the learner's consumer stored with its counts, or a string saying why not. */
async function storedOffsets(
  context: LessonContext,
  table: string,
): Promise<PartitionOffsets | string> {
  return withLabPool(context, async (pool) => {
    if (!(await tableExists(pool, table))) return `${table} does not exist`;
    try {
      const { rows } = await pool.query<{ partition: number; next_offset: string }>(
        `SELECT partition::int AS partition, next_offset::text AS next_offset FROM ${table} WHERE topic = $1`,
        [TOPIC],
      );
      return new Map(rows.map((r) => [r.partition, r.next_offset]));
    } catch (error) {
      if ((error as { code?: unknown }).code === '42703')
        return `${table} lacks a column the lesson's page names (topic, partition, next_offset)`;
      throw error;
    }
  });
}

/** Keeps producing clickstream events until aborted: the stream the kill lands in. */
async function keepProducing(context: LessonContext, producer: string, signal: AbortSignal) {
  while (!signal.aborted) {
    await produceClickstream(context, 200, producer);
    await sleep(200);
  }
}

export const exactlyOnce: Lesson = {
  number: 3,
  slug: SLUG,
  title: 'Exactly once: kill your consumer mid-run, and lose or double nothing',
  hints: [
    'Kafka’s committed offset and your table are two systems: a crash between writing one and the other loses or doubles. Keep the offset in the database, beside the counts.',
    'One transaction per batch: the counts of its valid events and the partition’s next offset (the last record’s offset + 1), committed together or not at all.',
    'On (re)start, consumeBatches calls onAssigned: seek each partition to the offset your table stored. A batch fetched before the seek can still arrive: compare its offsets with the stored one inside the transaction.',
    'Invalid records: control.deadLetter(decoded) sends them to the DLQ; their offsets still count as consumed.',
  ],

  async start(context) {
    const { groupId, producer } = exactlyOnceNames(context.suffix);
    const offsets = await placeIdleGroup(context, groupId, TOPIC);
    await produceClickstream(context, 300, producer);
    context.log(
      `consumer group ${groupId} placed at the end of ${TOPIC}; 300 events produced after it`,
    );
    return { topic: offsetsToJson(offsets) };
  },

  async check(context, started) {
    const names = exactlyOnceNames(context.suffix);
    const from = offsetsFromJson(started['topic']);
    const items: CheckItem[] = [];
    const script = join(context.scriptsDir, `${SLUG}.ts`);
    const shown = relative(context.root, script);
    if (!existsSync(script)) {
      items.push({
        name: `your consumer ${shown}`,
        passed: false,
        detail: `${shown} does not exist`,
        pointer: '`datapark lesson start 3` copies the starter there',
      });
      return items;
    }
    if ((await groupMembers(context, names.groupId)) > 0) {
      items.push({
        name: `no consumer of group ${names.groupId} is running`,
        passed: false,
        detail: 'a member of the group is running',
        pointer: 'stop yours: the checker runs it itself, kills it mid-run and starts it again',
      });
      return items;
    }

    const producing = new AbortController();
    const producer = keepProducing(context, names.producer, producing.signal);
    let running: LearnerProcess | undefined;
    try {
      // 1. Run it, while events keep arriving, until it has stored progress.
      context.log(`running ${shown} while events arrive…`);
      running = runLearnerScript(script, context.root, context.suffix);
      const progress = await waitFor(
        context,
        names.offsets,
        running,
        (stored) => recordsBetween(from, stored) > 0n,
        FIRST_PROGRESS_MS,
      );
      if (typeof progress === 'string') {
        items.push({
          name: 'your consumer stores its progress with its counts',
          passed: false,
          detail: progress,
          pointer: `docs/lessons/${SLUG}.md, step 1: the offsets table, written in the same transaction as the counts`,
        });
        return items;
      }
      items.push({
        name: 'your consumer stores its progress with its counts',
        passed: true,
        detail: `${names.offsets}: ${describeRange(from, progress)}`,
      });

      // 2. Kill it mid-stream: no chance to finish a batch, commit or say goodbye.
      await sleep(1500);
      running.child.kill('SIGKILL');
      await running.exited;
      context.log('killed it (SIGKILL); starting it again…');

      // 3. Start it again; stop producing after a while; wait until it has caught up.
      running = runLearnerScript(script, context.root, context.suffix);
      await sleep(3000);
      producing.abort();
      await producer;
      const target = await topicEndOffsets(context.kafka, TOPIC);
      const caughtUp = await waitFor(
        context,
        names.offsets,
        running,
        (stored) =>
          [...target].every(([p, o]) => BigInt(stored.get(p) ?? from.get(p) ?? '0') >= BigInt(o)),
        CATCH_UP_MS,
      );
      const exit = await stopLearnerScript(running);
      if (typeof caughtUp === 'string') {
        items.push({
          name: 'after the kill, it started again and caught up',
          passed: false,
          detail: caughtUp,
          pointer:
            'on restart, begin where the offsets table says (onAssigned + seek), and keep consuming until stopped',
        });
        return items;
      }
      items.push({
        name: 'after the kill, it started again and caught up',
        passed: true,
        detail: `${recordsBetween(from, caughtUp)} records since the lesson started; it exited with ${exit} on SIGTERM`,
      });

      // 4. Compare its counts with the events in the range it says it consumed: read again
      //    now that it has stopped, since it kept consuming (the shop's events too) until then.
      const final = await storedOffsets(context, names.offsets);
      if (typeof final === 'string') {
        items.push({
          name: `${names.counts} counts every event once`,
          passed: false,
          detail: final,
        });
        return items;
      }
      const counts = await withLabPool(context, async (pool) =>
        (await tableExists(pool, names.counts))
          ? readCounts(pool, names.counts)
          : `${names.counts} does not exist`,
      );
      if (typeof counts === 'string') {
        items.push({
          name: `${names.counts} counts every event once`,
          passed: false,
          detail: counts,
        });
        return items;
      }
      context.log('counting the valid events in the range your consumer stored…');
      const reference = await countValidEventsByType(context, TOPIC, from, final);
      const diff = compareCounts(counts, reference);
      const total = [...reference.values()].reduce((a, b) => a + b, 0);
      items.push(
        diff.length === 0
          ? {
              name: `${names.counts} counts every event once`,
              passed: true,
              detail: `${total} events over ${reference.size} types, none lost, none doubled, across a SIGKILL`,
            }
          : {
              name: `${names.counts} counts every event once`,
              passed: false,
              detail: diff
                .map((d) => `${d.type}: yours ${d.yours}, the topic's ${d.expected}`)
                .join('; '),
              pointer: diff.every((d) => d.yours >= d.expected)
                ? 'doubled: a batch counted before the kill was counted again after it. Are the counts and the offset committed in one transaction, and does the restart begin at the stored offset?'
                : 'lost: some events were never counted. Does each batch add to the counts (events + excluded.events) rather than replace them? Is the offset stored only for what was counted, and are invalid records the only ones skipped?',
            },
      );
      return items;
    } finally {
      producing.abort();
      await producer.catch(() => undefined);
      if (running && !running.hasExited()) await stopLearnerScript(running, 10_000);
    }
  },

  async reset(context) {
    const names = exactlyOnceNames(context.suffix);
    await deleteGroup(context, names.groupId);
    await dropTables(context, [names.counts, names.offsets]);
  },
};

/**
 * Polls the learner's offsets table until `done` holds; a string saying what went wrong when
 * the script exits first or time runs out.
 */
async function waitFor(
  context: LessonContext,
  table: string,
  running: LearnerProcess,
  done: (stored: PartitionOffsets) => boolean,
  timeoutMs: number,
): Promise<PartitionOffsets | string> {
  const deadline = Date.now() + timeoutMs;
  let last: PartitionOffsets | string = `${table} does not exist`;
  while (Date.now() < deadline) {
    if (running.hasExited())
      return `your consumer exited (${await running.exited}) before that; its last output:\n${indent(running.output() || '(none)')}`;
    last = await storedOffsets(context, table);
    if (typeof last !== 'string' && done(last)) return last;
    await sleep(500);
  }
  return `not within ${timeoutMs / 1000} s (${typeof last === 'string' ? last : `stored: ${describeRange(new Map(), last)}`}); its last output:\n${indent(running.output() || '(none)')}`;
}

const indent = (text: string) =>
  text
    .split('\n')
    .slice(-15)
    .map((line) => `      ${line}`)
    .join('\n');
