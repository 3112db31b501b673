import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TopicName } from '@datapark/events';
import {
  freshGroup,
  groupProgress,
  ingestTestFile,
  landedCounts,
  produce,
  ROOT,
  startCli,
  storedOffsets,
  validEvents,
  waitFor,
} from './fixtures.js';

const { ingestDb, analyst } = ingestTestFile();

/** `datapark <args>` on the platform this test runs against. */
function platform(...args: string[]): string {
  const result = spawnSync(
    process.execPath,
    ['--no-warnings', join(ROOT, 'apps', 'datapark-cli', 'dist', 'cli.js'), ...args],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0)
    throw new Error(`datapark ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** Components `datapark status` shows running (top-level rows: `airflow  running  …`). */
function runningComponents(): string[] {
  return platform('status')
    .split('\n')
    .slice(1)
    .map((line) => /^(\S+)\s+running\b/.exec(line)?.[1])
    .filter((c): c is string => c !== undefined);
}

const TOPIC: TopicName = 'order-events';

describe('datapark-etl ingest while PostgreSQL restarts', () => {
  it('waits the outage out with backoff, then lands everything exactly once', async () => {
    const runningBefore = runningComponents();
    expect(runningBefore).toContain('postgres');
    const group = await freshGroup('test-ingest-pg-restart', [TOPIC]);
    const start = await storedOffsets(ingestDb, group);
    const before = validEvents(TOPIC, 10_000);
    await produce(TOPIC, before);

    const ingest = startCli([
      'ingest',
      '--group',
      group,
      '--topics',
      TOPIC,
      '--batch-bytes',
      '16384',
      '--concurrency',
      '1',
      '--progress-interval',
      '1',
    ]);
    let during: ReturnType<typeof validEvents<typeof TOPIC>> = [];
    try {
      await waitFor('the first committed batches', async () =>
        (await groupProgress(ingestDb, group, start)) > 200 ? true : undefined,
      );
      platform('stop', 'postgres');
      try {
        // Records arriving while PostgreSQL is down: ingest must try, fail, and keep trying.
        during = validEvents(TOPIC, 2_000);
        await produce(TOPIC, during);
        await waitFor(
          'ingest to notice the outage',
          async () => (/PostgreSQL connection lost/.test(ingest.stderr()) ? true : undefined),
          60_000,
        );
      } finally {
        platform('start', 'postgres');
        // Others that keep state in PostgreSQL (Airflow) may have given up while it was down:
        // `up` is idempotent, so it restarts only what is no longer running.
        platform('up', '--only', runningBefore.join(','));
      }
      const ids = [...before, ...during].map((e) => e.event_id);
      await waitFor(
        'ingest to land everything after the restart',
        async () =>
          (await landedCounts(analyst, TOPIC, ids)).size === ids.length ? true : undefined,
        180_000,
        500,
      );
    } finally {
      ingest.child.kill('SIGINT');
    }
    const result = await ingest.done;
    expect({
      code: result.code,
      backAfter: /PostgreSQL is back after/.test(result.stderr),
    }).toEqual({ code: 0, backAfter: true });

    const ids = [...before, ...during].map((e) => e.event_id);
    const landed = await landedCounts(analyst, TOPIC, ids);
    expect(landed.size).toBe(ids.length);
    expect([...landed.values()].filter((n) => n !== 1)).toEqual([]);
  }, 300_000);
});
