import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPIC_NAMES } from '@datapark/events';
import type { LastRun, RunStatus } from '../src/index.js';

const root = new URL('../../..', import.meta.url).pathname;
const nx = join(root, 'node_modules', '.bin', 'nx');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// `npx nx run event-generator:serve` in the background, stopped with SIGINT as a user does
// (kill -INT, or Ctrl-C in its terminal): nx silences its own output on SIGINT, sends the
// generator SIGTERM and exits, so the closing totals the generator prints never show. They
// must still be somewhere: the state directory's event-generator/last-run.json.
describe('event-generator:serve through nx, stopped with SIGINT', () => {
  it('keeps the totals of everything generated and flushed in the state directory', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'serve-sigint-'));
    const out = join(stateDir, 'events.jsonl');
    const child = spawn(
      process.execPath,
      [
        nx,
        'run',
        'event-generator:serve',
        '--',
        '--sink',
        'dry-run',
        '--out',
        out,
        '--rate',
        '500',
        '--http-port',
        '0',
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          DATAPARK_STATE_DIR: stateDir,
          NX_DAEMON: 'false',
          NX_NO_CLOUD: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      let url: string | undefined;
      for (let i = 0; i < 1200 && !url; i++) {
        url = /control API on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        if (!url) await sleep(100);
      }
      expect(url).toBeDefined();
      const file = join(stateDir, 'event-generator', 'last-run.json');
      expect(output).toContain(`written to ${file}`);
      let status: RunStatus | undefined;
      for (let i = 0; i < 300; i++) {
        status = (await (await fetch(`${url}/status`)).json()) as RunStatus;
        if (status.generatedTotal >= 1_000) break;
        await sleep(100);
      }
      expect(status!.generatedTotal).toBeGreaterThanOrEqual(1_000);

      child.kill('SIGINT');
      await exited;
      for (let i = 0; i < 300 && !existsSync(file); i++) await sleep(100);
      const run = JSON.parse(readFileSync(file, 'utf8')) as LastRun;
      expect({ endedBy: run.endedBy, flushed: run.flushed, mode: run.mode }).toEqual({
        endedBy: 'SIGTERM', // what nx passes on
        flushed: true,
        mode: 'realtime',
      });
      // Every event generated was acknowledged by the sink and is in its file, topic by topic.
      expect(run.totals.acknowledged['dry-run']).toEqual(run.totals.generated);
      const written = new Map<string, number>(TOPIC_NAMES.map((t) => [t, 0]));
      for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
        const { topic } = JSON.parse(line) as { topic: string };
        written.set(topic, written.get(topic)! + 1);
      }
      expect(Object.fromEntries(written)).toEqual(run.totals.generated);
      expect(run.totals.generated['clickstream']).toBeGreaterThan(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 300_000);
});
