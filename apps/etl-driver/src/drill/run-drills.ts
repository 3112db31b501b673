import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataparkConfig } from '@datapark/config';
import { createPool } from '@datapark/db';
import type { TopicName } from '@datapark/events';
import { TOPIC_NAMES } from '@datapark/events';
import { connectionFromConfig, fetchWatermarks } from '@datapark/kafka';
import { silentReporter } from '@datapark/platform';
import { defaultComponents, LocalPlatform } from '@datapark/platform-local';
import { readStoredOffsets, resetOffsets } from '../ingest/consumer-offsets.js';
import type { Drill, DrillContext } from './drills.js';
import type { LoadProcess } from './load-processes.js';
import { acknowledgedRate, startGenerator, startIngest } from './load-processes.js';
import type { ProcessedReconciliation } from './reconcile-processed.js';
import type { TopicMarks, WindowReconciliation } from './reconcile-window.js';
import { markTopics, reconcileWindow } from './reconcile-window.js';
import { EtlError } from '../etl-error.js';

export interface DrillOptions {
  readonly config: DataparkConfig;
  readonly drills: readonly Drill[];
  /** The generator's target rate while the drills run. Default 300 events/s. */
  readonly eventsPerSecond?: number;
  /** How long each fault lasts. Default 10 s. */
  readonly faultMs?: number;
  /** How long ingest may take to catch up after a drill before it counts as failed. Default 180 s. */
  readonly catchUpTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** One row of the drill table. */
export interface DrillResult extends WindowReconciliation {
  readonly drill: string;
  /** Events/s the generator had acknowledged by Kafka before the fault, and during it. */
  readonly eventsPerSecondBefore: number;
  readonly eventsPerSecondDuring: number;
  /** From putting the component back until ingest had landed everything produced until then. */
  readonly recoveredSeconds: number;
  /** What the drill expected in the DLQ on top of the generator's (valid) events. */
  readonly deadLettersExpected: number;
  readonly passed: boolean;
  /** `source` against `processed` for a drill that ran a batch. */
  readonly processed?: ProcessedReconciliation;
  /** Why the drill could not finish, when it could not. */
  readonly error?: string;
}

/** Clean when nothing is missing, extra or different, and there was something to compare. */
const processedClean = (r: ProcessedReconciliation) =>
  r.orders > 0 && r.missing === 0 && r.extra === 0 && r.differing === 0;

/** "412 orders, 1203 lines: 0 missing, 0 extra, 0 differing" */
export const describeProcessed = (r: ProcessedReconciliation) =>
  `${r.orders} orders, ${r.lines} lines: ${r.missing} missing, ${r.extra} extra, ${r.differing} differing`;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/**
 * Runs failure drills against the local platform while the event generator produces into Kafka
 * and `ingest` lands it in `raw`: for each, the load before and during the fault, how long the
 * pipeline took to catch up once the component was back, and a reconciliation of every Kafka
 * record produced during the drill against `raw` and the DLQs (lost, duplicated, dead-lettered).
 * Its own consumer group starts at the end of the topics, so nothing else is counted.
 */
export async function runDrills(options: DrillOptions): Promise<DrillResult[]> {
  const { config } = options;
  const log = options.log ?? (() => undefined);
  const topics: readonly TopicName[] = TOPIC_NAMES;
  const faultMs = options.faultMs ?? 10_000;
  const connection = connectionFromConfig(config, 'datapark-drill');
  const platform = new LocalPlatform({ components: defaultComponents(), reporter: silentReporter });
  const db = createPool(config, 'ingest', { max: 2 });
  db.on('error', () => undefined); // the PostgreSQL drill closes its connections
  const group = `drill-${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  let ingest: LoadProcess | undefined;
  let generator: LoadProcess | undefined;

  /** The generator's rate; when it no longer answers, why (its last lines). */
  const rate = (ms: number) =>
    acknowledgedRate(port, ms).catch((error: unknown) => {
      throw new EtlError(
        `the event generator's control API does not answer (${(error as Error).message}); ` +
          `exit ${generator?.child.exitCode ?? 'none yet'}, its last lines:\n${generator?.tail() ?? ''}`,
        { code: 'GENERATOR_SILENT' },
      );
    });
  const waitForLanded = async (marks: TopicMarks, what: string) => {
    const deadline = Date.now() + (options.catchUpTimeoutMs ?? 180_000);
    for (;;) {
      const stored = await readStoredOffsets(db, group, topics).catch(() => undefined);
      const behind = stored
        ? [...marks.topics].flatMap(([topic, ends]) =>
            [...ends].filter(([p, end]) => (stored.get(`${topic}:${p}`) ?? 0n) < BigInt(end)),
          ).length
        : Number.POSITIVE_INFINITY;
      if (behind === 0) return;
      if (Date.now() > deadline)
        throw new EtlError(
          `${what}: ingest did not catch up within ${(options.catchUpTimeoutMs ?? 180_000) / 1000} s ` +
            `(${behind} partitions behind); its last lines:\n${ingest?.tail() ?? ''}`,
          { code: 'INGEST_BEHIND' },
        );
      await sleep(500);
    }
  };

  try {
    await resetOffsets(db, group, await fetchWatermarks(connection, topics), 'latest');
    generator = startGenerator(options.eventsPerSecond ?? 300, port, group);
    ingest = startIngest(group);
    log(
      `load: event generator at ${options.eventsPerSecond ?? 300} events/s into Kafka, ingest as group ${group}`,
    );
    // Warm up: the generator's control API answers and ingest has landed a first window.
    for (const deadline = Date.now() + 60_000; ; await sleep(500)) {
      if (
        await acknowledgedRate(port, 1000).then(
          (r) => r > 0,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline)
        throw new EtlError(`the generator does not produce:\n${generator.tail()}`, {
          code: 'GENERATOR_SILENT',
        });
    }
    await waitForLanded(await markTopics(connection, topics), 'warm-up');

    const ctx: DrillContext = {
      config,
      platform,
      connection,
      faultMs,
      ingest: () => ingest!,
      restartIngest: () => {
        ingest = startIngest(group);
      },
    };
    const runOne = async (drill: Drill): Promise<DrillResult> => {
      const from = await markTopics(connection, topics);
      const before = await rate(3000);
      // The load during the fault is sampled while the drill holds it.
      const during = rate(faultMs).catch(() => 0);
      const recovering = await drill.inject(ctx).then(
        () => Date.now(),
        async (error: unknown) => {
          await drill.recover(ctx).catch(() => undefined); // put back what it broke, then fail
          throw error;
        },
      );
      await drill.recover(ctx);
      await waitForLanded(await markTopics(connection, topics), `${drill.name}: recovery`);
      const recoveredSeconds = (Date.now() - recovering) / 1000;
      const to = await markTopics(connection, topics);
      await waitForLanded(to, drill.name);
      const reconciled = await reconcileWindow(db, connection, from, to);
      const processed = await drill.verify?.(ctx);
      const deadLettersExpected = drill.deadLettersExpected ?? 0;
      return {
        drill: drill.name,
        eventsPerSecondBefore: Math.round(before),
        eventsPerSecondDuring: Math.round(await during),
        recoveredSeconds: Math.round(recoveredSeconds * 10) / 10,
        ...reconciled,
        deadLettersExpected,
        ...(processed ? { processed } : {}),
        passed:
          reconciled.lost === 0 &&
          reconciled.duplicated === 0 &&
          reconciled.deadLettered === deadLettersExpected &&
          (processed === undefined || processedClean(processed)),
      };
    };
    const results: DrillResult[] = [];
    for (const drill of options.drills) {
      log(`drill ${drill.name}: ${drill.description}`);
      try {
        const result = await runOne(drill);
        log(
          `drill ${drill.name}: ${result.passed ? 'passed' : 'FAILED'}: ${result.produced} produced, ` +
            `${result.lost} lost, ${result.duplicated} duplicated, ${result.deadLettered} dead-lettered, ` +
            `recovered in ${result.recoveredSeconds} s` +
            (result.processed ? `; source↔processed: ${describeProcessed(result.processed)}` : ''),
        );
        results.push(result);
      } catch (error) {
        // One drill that could not finish is a failed row with its reason; the rest still run.
        const message = (error as Error).message;
        log(`drill ${drill.name}: FAILED: ${message}`);
        results.push({
          drill: drill.name,
          eventsPerSecondBefore: 0,
          eventsPerSecondDuring: 0,
          recoveredSeconds: 0,
          produced: 0,
          landed: 0,
          deadLettered: 0,
          lost: 0,
          duplicated: 0,
          deadLettersExpected: drill.deadLettersExpected ?? 0,
          passed: false,
          error: message,
        });
      }
    }
    return results;
  } finally {
    await generator?.stop();
    await ingest?.stop();
    await db
      .query('DELETE FROM etl.consumer_offsets WHERE consumer_group = $1', [group])
      .catch(() => undefined);
    await db.end();
  }
}
