import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteGroup, offsetsToJson, placeIdleGroup } from '../consumer-group.js';
import type { CheckItem, Lesson } from '../lesson.js';
import type { LessonContext } from '../lesson-context.js';
import { instantQuery } from '../prometheus-query.js';
import { produceClickstream } from '../sample-clickstream.js';

const SLUG = '07-lag-query';
const FILE = `${SLUG}.promql`;
const PAGE = `docs/lessons/${SLUG}.md`;
const TOPIC = 'clickstream';
/** Events `start` produces after placing the group, which never consumes: its lag. */
export const LESSON_07_EVENTS = 200;
/** Prometheus scrapes the lag exporter every 15 s; a new group shows within two scrapes. */
const SCRAPE_WAIT_MS = 60_000;

export const lagQueryNames = (suffix: string) => ({
  groupId: `lab-lesson-07${suffix}`,
  producer: `lab/lesson-07-start${suffix}`,
});

/** The learner's expression: the file without its `#` comment lines, a test's suffix given. */
function readQuery(script: string, suffix: string): string {
  const text = readFileSync(script, 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .trim();
  const { groupId } = lagQueryNames('');
  return suffix ? text.replaceAll(`"${groupId}"`, `"${groupId}${suffix}"`) : text;
}

/** The reference at `time`: the group's lag on the topic, as the exporter reports it. */
async function referenceLag(context: LessonContext, groupId: string, time: number) {
  const answer = await instantQuery(
    context.config,
    `sum(kafka_consumergroup_lag{consumergroup="${groupId}", topic="${TOPIC}"})`,
    time,
  );
  return answer.ok ? answer.samples[0]?.value : undefined;
}

export const lagQuery: Lesson = {
  number: 7,
  slug: SLUG,
  script: FILE,
  title: 'Monitoring: a PromQL query for how far your consumer group is behind',
  hints: [
    'The Prometheus UI (monitoring.prometheusUrl) runs any expression: type kafka_consumergroup_lag and look at the labels of what comes back.',
    'Label matchers pick series: metric{label="value", other="value"}. Your group is consumergroup="lab-lesson-07".',
    'One series per partition comes back: sum(...) adds them into one number.',
  ],

  async start(context) {
    const { groupId, producer } = lagQueryNames(context.suffix);
    const offsets = await placeIdleGroup(context, groupId, TOPIC);
    await produceClickstream(context, LESSON_07_EVENTS, producer);
    context.log(
      `consumer group ${groupId} placed at the end of ${TOPIC}; ${LESSON_07_EVENTS} events produced after it, which nobody consumes`,
    );
    return { topic: offsetsToJson(offsets) };
  },

  async check(context) {
    const { groupId } = lagQueryNames(context.suffix);
    const script = join(context.scriptsDir, FILE);
    const shown = relative(context.root, script);
    if (!existsSync(script))
      return [
        {
          name: `your query ${shown}`,
          passed: false,
          detail: `${shown} does not exist`,
          pointer: '`datapark lesson start 7` copies the starter there',
        },
      ];
    const query = readQuery(script, context.suffix);
    const name = `${shown}: the lag of ${groupId} on ${TOPIC}, one number`;
    if (!query)
      return [
        {
          name,
          passed: false,
          detail: 'no expression in it (only # comments)',
          pointer: `${PAGE}, step 2`,
        },
      ];

    // Both queries at one instant, once Prometheus has scraped the group's lag.
    context.log(`waiting for Prometheus to report the lag of ${groupId}…`);
    const deadline = Date.now() + SCRAPE_WAIT_MS;
    let time = Date.now() / 1000;
    let reference = await referenceLag(context, groupId, time);
    while (!reference && Date.now() < deadline) {
      await sleep(5000);
      time = Date.now() / 1000;
      reference = await referenceLag(context, groupId, time);
    }
    if (!reference)
      return [
        {
          name: `Prometheus reports the lag of ${groupId}`,
          passed: false,
          detail: `kafka_consumergroup_lag has no series of ${groupId} with a lag, ${SCRAPE_WAIT_MS / 1000} s on`,
          pointer: `\`datapark lesson start 7\` places the group and produces ${LESSON_07_EVENTS} events; is the monitoring component up (datapark status)?`,
        },
      ];

    const answer = await instantQuery(context.config, query, time);
    const items: CheckItem[] = [];
    if (!answer.ok) {
      items.push({
        name,
        passed: false,
        detail: `Prometheus refused it: ${answer.error}`,
        pointer:
          'paste it into the Prometheus UI’s graph page: it shows where the expression breaks',
      });
      return items;
    }
    const { samples } = answer;
    if (samples.length !== 1) {
      items.push({
        name,
        passed: false,
        detail:
          samples.length === 0
            ? 'it returned no series'
            : `it returned ${samples.length} series, e.g. ${JSON.stringify(samples[0]!.metric)}`,
        pointer:
          samples.length === 0
            ? 'do your label matchers name the group and the topic as the exporter labels them? (the page, "Labels")'
            : 'one number for the group: the page, "Aggregation"',
      });
      return items;
    }
    const value = samples[0]!.value;
    items.push(
      value === reference
        ? {
            name,
            passed: true,
            detail: `${value} records behind, as Prometheus has it for ${groupId}`,
          }
        : {
            name,
            passed: false,
            detail: `yours: ${value}; the lag of ${groupId} on ${TOPIC}: ${reference}`,
            pointer:
              value > reference
                ? 'more than the group’s lag: does it count other groups or topics too?'
                : 'less than the group’s lag: does it leave some partitions out, or take one sample (max, avg) rather than the total?',
          },
    );
    return items;
  },

  async reset(context) {
    await deleteGroup(context, lagQueryNames(context.suffix).groupId);
  },
};
