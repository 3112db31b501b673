import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPIC_NAMES } from '@datapark/events';
import type { RunStatus, RunTotals } from '../src/index.js';
import { endOffsets, readBack, removeSourceRows, sourceRows } from './fixtures.js';

const root = new URL('../../..', import.meta.url).pathname;
const cli = join(root, 'apps/event-generator/dist/cli.js');

// The deployable itself (the test target builds it first), stopped the way an operator does.
describe('SIGTERM while serving into Kafka and PostgreSQL', () => {
  it('flushes, closes and prints totals equal to what Kafka and source hold: nothing acknowledged is lost', async () => {
    const producer = `generator-sigterm-${randomUUID()}`;
    const configFile = join(mkdtempSync(join(tmpdir(), 'sigterm-')), 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ simulation: { seed: producer, producer, conversionRate: 0.4 } }),
    );
    const from = await endOffsets();
    const child = spawn(
      process.execPath,
      [
        cli,
        '--config',
        configFile,
        '--sink',
        'kafka,postgres',
        '--rate',
        '1500',
        '--http-port',
        '0',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );

    // Wait for the control API, then for a few thousand events, then stop it mid-run.
    let url: string | undefined;
    for (let i = 0; i < 600 && !url; i++) {
      url = /control API on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(url).toBeDefined();
    let status: RunStatus | undefined;
    for (let i = 0; i < 600; i++) {
      status = (await (await fetch(`${url}/status`)).json()) as RunStatus;
      if (status.generatedTotal >= 3_000) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status!.generatedTotal).toBeGreaterThanOrEqual(3_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/SIGTERM: stopping, flushing/);

    const line = stderr.split('\n').find((l) => l.startsWith('totals '));
    expect(line).toBeDefined();
    const totals = JSON.parse(line!.slice('totals '.length)) as RunTotals;
    // Everything generated before the signal was flushed and acknowledged...
    expect(totals.acknowledged['kafka']).toEqual(totals.generated);
    expect(totals.acknowledged['postgres']).toEqual(totals.generated);
    // ...and is there: the printed totals equal what a consumer reads back, topic by topic.
    const events = await readBack(from, producer);
    for (const topic of TOPIC_NAMES)
      expect([topic, events.get(topic)!.length]).toEqual([topic, totals.generated[topic]]);
    const orders = events
      .get('order-events')!
      .filter((e) => e.event_type === 'order_placed').length;
    expect(orders).toBeGreaterThan(0);
    try {
      expect((await sourceRows(events)).orders).toHaveLength(orders);
    } finally {
      await removeSourceRows(events);
    }
  }, 300_000);
});
