import type { PartitionOffsets } from '@datapark/kafka';
import { createKafka, readRange, topicEndOffsets } from '@datapark/kafka';
import { offsetsFromJson, offsetsToJson } from '../consumer-group.js';
import { dropTables, tableExists, withLabPool } from '../lab-tables.js';
import type { CheckItem, Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';
import { instantQuery } from '../prometheus-query.js';

const SLUG = '08-broker-restart';
const PAGE = `docs/lessons/${SLUG}.md`;
const TOPIC = 'clickstream';
/** The known set: page views of pages `/lesson-08/1` … `/lesson-08/3000`, each once. */
export const LESSON_08_EVENTS = 3000;
/** The local platform's (and the chart's) broker count. */
const BROKERS = 3;
/**
 * Slack around the run's claimed start and end when the checker picks the topic's range by
 * time: the records' timestamps are the producer's clock, the claim's too, and a resend keeps
 * its first timestamp but lands later.
 */
const SLACK_MS = 60_000;
/** Prometheus scrapes the brokers every 15 s: the window a stop must show in. */
const SCRAPE_MS = 15_000;

export const brokerRestartNames = (suffix: string) => ({
  runs: `lab.lesson08_runs${suffix}`,
  /** The events' `producer` is `<this>/<run id>`: how the checker finds a run in the topic. */
  producer: `lab/lesson-08${suffix}`,
});

/** One row of the learner's runs table: what their script says it produced and found. */
interface Claim {
  readonly runId: string;
  readonly sent: number;
  readonly inTopic: number;
  readonly distinctInTopic: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/** The latest run the script recorded since `start`, or a string saying why there is none. */
async function latestClaim(
  context: LessonContext,
  table: string,
  since: string,
): Promise<Claim | string> {
  return withLabPool(context, async (pool) => {
    if (!(await tableExists(pool, table)))
      return `${table} does not exist: your script records each run there`;
    try {
      const { rows } = await pool.query<{
        run_id: string;
        sent: string;
        in_topic: string;
        distinct_in_topic: string;
        started_at: Date;
        finished_at: Date;
      }>(
        `SELECT run_id::text AS run_id, sent::text AS sent, in_topic::text AS in_topic,
                distinct_in_topic::text AS distinct_in_topic, started_at, finished_at
           FROM ${table} WHERE finished_at >= $1 ORDER BY finished_at DESC LIMIT 1`,
        [since],
      );
      const row = rows[0];
      if (!row) return `${table} has no run that finished since \`datapark lesson start 8\``;
      return {
        runId: row.run_id,
        sent: Number(row.sent),
        inTopic: Number(row.in_topic),
        distinctInTopic: Number(row.distinct_in_topic),
        startedAt: row.started_at,
        finishedAt: row.finished_at,
      };
    } catch (error) {
      if ((error as { code?: unknown }).code === '42703')
        return `${table} lacks a column the page names (run_id, sent, in_topic, distinct_in_topic, started_at, finished_at)`;
      throw error;
    }
  });
}

/** What the topic holds of one run, counted by the checker itself. */
interface RunInTopic {
  readonly records: number;
  /** Distinct pages of the known set (`/lesson-08/1` … `/lesson-08/3000`). */
  readonly distinct: number;
  /** Pages of the known set that occur more than once. */
  readonly doubled: readonly string[];
  /** Pages of the known set that do not occur. */
  readonly missing: readonly string[];
  /** Records outside the known set (another page, another event type). */
  readonly strangers: number;
  /** Records written by a producer without a producer id: not idempotent. */
  readonly withoutProducerId: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

/** Where `topic`'s partitions were at `ms` (the end, for a partition with nothing after it). */
async function offsetsAt(
  context: LessonContext,
  topic: string,
  ms: number,
): Promise<PartitionOffsets> {
  const admin = createKafka(context.kafka).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, ms);
    return new Map(offsets.map((o) => [o.partition, o.offset]));
  } finally {
    await admin.disconnect();
  }
}

/** The brokers in the cluster's metadata now (a stopped one is not). */
async function liveBrokers(context: LessonContext): Promise<number[]> {
  const admin = createKafka(context.kafka).admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect();
  }
}

const maxOffsets = (a: PartitionOffsets, b: PartitionOffsets): PartitionOffsets =>
  new Map(
    [...new Set([...a.keys(), ...b.keys()])].map((p) => {
      const x = BigInt(a.get(p) ?? '0');
      const y = BigInt(b.get(p) ?? '0');
      return [p, String(x > y ? x : y)];
    }),
  );

/** Reads the run's records from the topic, between `from` and `until`, and counts them. */
async function countRun(
  context: LessonContext,
  producer: string,
  from: PartitionOffsets,
  until: PartitionOffsets,
): Promise<RunInTopic> {
  const seen = new Map<string, number>();
  let records = 0;
  let strangers = 0;
  let withoutProducerId = 0;
  let firstMs = Infinity;
  let lastMs = 0;
  for (const { message } of await readRange(context.kafka, TOPIC, from, { until })) {
    let event: { producer?: unknown; event_type?: unknown; payload?: { page?: unknown } };
    try {
      event = JSON.parse(message.value?.toString() ?? 'null') as typeof event;
    } catch {
      continue; // not JSON: nobody's run
    }
    if (event?.producer !== producer) continue;
    records++;
    const ms = Number(message.timestamp);
    firstMs = Math.min(firstMs, ms);
    lastMs = Math.max(lastMs, ms);
    // kafkajs keeps the record batch's header on each message: an idempotent producer's batches
    // carry its producer id, a plain one's -1 (Kafka: idempotence requires acks=all).
    const batch = (message as { batchContext?: { producerId?: string } }).batchContext;
    if (batch?.producerId === undefined || BigInt(batch.producerId) < 0n) withoutProducerId++;
    const page = event.event_type === 'page_view' ? event.payload?.page : undefined;
    const n = typeof page === 'string' ? /^\/lesson-08\/([1-9]\d*)$/.exec(page)?.[1] : undefined;
    if (!n || Number(n) > LESSON_08_EVENTS) strangers++;
    else seen.set(page as string, (seen.get(page as string) ?? 0) + 1);
  }
  const missing: string[] = [];
  for (let n = 1; n <= LESSON_08_EVENTS; n++)
    if (!seen.has(`/lesson-08/${n}`)) missing.push(`/lesson-08/${n}`);
  return {
    records,
    distinct: seen.size,
    doubled: [...seen].filter(([, c]) => c > 1).map(([page]) => page),
    missing,
    strangers,
    withoutProducerId,
    firstMs,
    lastMs,
  };
}

const some = (pages: readonly string[]) =>
  `${pages.slice(0, 3).join(', ')}${pages.length > 3 ? ', …' : ''}`;

/**
 * Which brokers Prometheus saw down (`up == 0`) at a scrape between `fromMs` and `untilMs`: the
 * platform's own record of the stop, not the learner's word.
 */
async function brokersDownBetween(
  context: LessonContext,
  fromMs: number,
  untilMs: number,
): Promise<string[] | string> {
  const seconds = Math.max(1, Math.ceil((untilMs - fromMs) / 1000));
  const answer = await instantQuery(
    context.config,
    `min by (unit) (min_over_time(up{job="kafka"}[${seconds}s]))`,
    untilMs / 1000,
  );
  if (!answer.ok) return `Prometheus answered: ${answer.error}`;
  if (answer.samples.length === 0) return 'Prometheus has no sample of the brokers in that window';
  return answer.samples
    .filter((s) => s.value === 0)
    .map((s) => s.metric['unit'] ?? '?')
    .sort();
}

export const brokerRestart: Lesson = {
  number: 8,
  slug: SLUG,
  title: 'Operations: produce through a broker restart, lose and double nothing',
  hints: [
    'The producer decides what a broker restart does to your records: EventProducer is idempotent with acks=all. A producer that is not idempotent can write a retried batch twice; one with acks=1 can lose what the old leader had not copied yet.',
    'Stop the broker while your script is producing, and keep it down for at least 30 s: Prometheus looks at each broker every 15 s, and the checker asks it whether one was down during your run.',
    'Prove it from the topic, not from your own bookkeeping: note where the topic ends before you send, read it back from there (readRange) once all is acknowledged, and count the records of your run and the distinct pages among them.',
    'One row per run in lab.lesson08_runs: the run id (part of every event’s producer), how many you sent, how many records of the run the topic holds, how many distinct pages, and when the run started and finished.',
  ],

  async start(context) {
    const end = await topicEndOffsets(context.kafka, TOPIC);
    const brokers = await liveBrokers(context);
    context.log(
      `${TOPIC} noted at its end; brokers up: ${brokers.join(', ')}. Your run's events: producer "${brokerRestartNames(context.suffix).producer}/<your run id>"`,
    );
    return { topic: offsetsToJson(end), startedAt: new Date().toISOString() };
  },

  async check(context, started) {
    const names = brokerRestartNames(context.suffix);
    const since = String(started['startedAt']);
    const claim = await latestClaim(context, names.runs, since);
    if (typeof claim === 'string')
      return [
        {
          name: 'your script recorded a run',
          passed: false,
          detail: claim,
          pointer: `${PAGE}, step 3: run your script (node lab/lessons/${SLUG}.ts); it records what it sent and found`,
        },
      ];
    const items: CheckItem[] = [
      {
        name: 'your script recorded a run',
        passed: true,
        detail: `run ${claim.runId}, finished ${claim.finishedAt.toISOString()}: sent ${claim.sent}, in the topic ${claim.inTopic}, distinct ${claim.distinctInTopic}`,
      },
    ];

    // The checker's own count, from the topic: the records since start whose producer names
    // the run, in the range the run's claimed times give (with slack: a resend lands later).
    const producer = `${names.producer}/${claim.runId}`;
    const noted = offsetsFromJson(started['topic']);
    const from = maxOffsets(
      noted,
      await offsetsAt(context, TOPIC, claim.startedAt.getTime() - SLACK_MS),
    );
    const until = await offsetsAt(context, TOPIC, claim.finishedAt.getTime() + SLACK_MS);
    context.log(`reading ${TOPIC} for the events of ${producer}…`);
    const run = await countRun(context, producer, from, until);
    if (run.records === 0) {
      items.push({
        name: `the topic holds run ${claim.runId}`,
        passed: false,
        detail: `no record of ${TOPIC} between start and your run's end has producer "${producer}"`,
        pointer: `every event of a run names it: producer "${names.producer}/<run id>", the run id you record (the page, "The run")`,
      });
      return items;
    }

    const once = run.distinct === LESSON_08_EVENTS && run.records === LESSON_08_EVENTS;
    items.push({
      name: `the topic holds the ${LESSON_08_EVENTS} events of run ${claim.runId}, each once`,
      passed: once,
      detail: once
        ? `${run.records} records, ${run.distinct} distinct pages: none lost, none doubled`
        : [
            `${run.records} records, ${run.distinct} distinct pages of the ${LESSON_08_EVENTS}`,
            run.missing.length ? `${run.missing.length} lost (${some(run.missing)})` : '',
            run.doubled.length ? `${run.doubled.length} doubled (${some(run.doubled)})` : '',
            run.strangers ? `${run.strangers} not of the known set` : '',
          ]
            .filter(Boolean)
            .join('; '),
      ...(once
        ? {}
        : {
            pointer: run.doubled.length
              ? 'doubled: a batch the broker had written was sent again after it went away. Only an idempotent producer (acks=all) lets the broker drop the resend'
              : run.missing.length
                ? 'lost: were all sends awaited before the script counted and exited, and does every page of 1…3000 go out once?'
                : `the known set: page_view events of pages /lesson-08/1 … /lesson-08/${LESSON_08_EVENTS}, nothing else under the run's producer`,
          }),
    });

    items.push(
      run.withoutProducerId === 0
        ? {
            name: 'written by an idempotent producer (acks=all)',
            passed: true,
            detail: `every record of the run came in a batch with a producer id`,
          }
        : {
            name: 'written by an idempotent producer (acks=all)',
            passed: false,
            detail: `${run.withoutProducerId} of the run's ${run.records} records came in batches without a producer id: a producer that is not idempotent`,
            pointer:
              'without idempotence a retry after a broker goes away can write a batch twice, and with acks=1 an acknowledged batch can vanish with its leader. EventProducer (@datapark/kafka) is idempotent with acks=all (the page, "The producer")',
          },
    );

    const claimed = { sent: claim.sent, inTopic: claim.inTopic, distinct: claim.distinctInTopic };
    const truth = { sent: LESSON_08_EVENTS, inTopic: run.records, distinct: run.distinct };
    const agrees =
      claimed.sent === truth.sent &&
      claimed.inTopic === truth.inTopic &&
      claimed.distinct === truth.distinct;
    items.push({
      name: 'your script’s counts are the topic’s',
      passed: agrees,
      detail: agrees
        ? `sent ${claim.sent}, in the topic ${claim.inTopic}, distinct ${claim.distinctInTopic}: as the checker counted`
        : `yours: sent ${claimed.sent}, in the topic ${claimed.inTopic}, distinct ${claimed.distinct}; the checker's: sent ${truth.sent}, in the topic ${truth.inTopic}, distinct ${truth.distinct}`,
      ...(agrees
        ? {}
        : {
            pointer:
              claimed.sent !== truth.sent
                ? `a run sends the known set: ${LESSON_08_EVENTS} page views`
                : 'count what the topic holds, not what you sent or what was acknowledged: read the topic back from where it ended before the run, and count the records of your run and the distinct pages among them',
          }),
    });

    // A broker down while the run produced, as Prometheus saw it (its scrapes every 15 s).
    const down = await brokersDownBetween(context, run.firstMs - SCRAPE_MS, run.lastMs);
    const window = `${new Date(run.firstMs).toISOString().slice(11, 19)}–${new Date(run.lastMs).toISOString().slice(11, 19)} UTC`;
    items.push(
      typeof down === 'string' || down.length === 0
        ? {
            name: 'a broker was down while the run produced',
            passed: false,
            detail:
              typeof down === 'string'
                ? down
                : `Prometheus saw every broker up at each scrape between the run's first and last event (${window})`,
            pointer:
              'stop a broker while the script produces (npx datapark stop kafka-2) and keep it down for 30 s or more before you start it again: Prometheus looks every 15 s',
          }
        : {
            name: 'a broker was down while the run produced',
            passed: true,
            detail: `Prometheus saw ${down.join(', ')} down (up == 0) between the run's first and last event (${window})`,
          },
    );

    const brokers = await liveBrokers(context);
    items.push({
      name: 'every broker is back',
      passed: brokers.length === BROKERS,
      detail: `brokers in the cluster: ${brokers.join(', ')} (of ${BROKERS})`,
      ...(brokers.length === BROKERS
        ? {}
        : { pointer: 'start the one you stopped: npx datapark start kafka-2 (datapark status)' }),
    });
    return items;
  },

  async reset(context) {
    await dropTables(context, [brokerRestartNames(context.suffix).runs]);
    const brokers = await liveBrokers(context);
    if (brokers.length < BROKERS)
      context.log(
        `only brokers ${brokers.join(', ')} are up: start the one you stopped (npx datapark start kafka-2)`,
      );
  },
};
