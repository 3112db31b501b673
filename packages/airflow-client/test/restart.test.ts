import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError } from '@datapark/airflow-client';
import type { WaitProgress } from '@datapark/airflow-client';
import { airflow, datapark, parsedDag } from './fixtures.js';

/** The api-server answers and reports every part of Airflow healthy. */
async function healthy(timeoutMs = 180_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const health = await airflow.monitor.health().catch(() => undefined);
    if (health && health.scheduler.status === 'healthy') return;
    if (Date.now() - started > timeoutMs) throw new Error('the api-server did not come back');
    await sleep(1000);
  }
}

beforeAll(async () => {
  await parsedDag('client_test_ok');
}, 180_000);

// Whatever happens, leave the shared api-server running for the next test file.
afterAll(async () => {
  await datapark('start', 'airflow-api-server');
  await healthy();
}, 240_000);

describe('an api-server restart while triggerAndWait waits', () => {
  it('is reported as unreachable, polled through, and the wait still resolves', async () => {
    const progress: WaitProgress[] = [];
    let restart: Promise<void> | undefined;
    const done = await airflow.triggerAndWait('client_test_ok', {
      // Long enough that the run is still going when the api-server is back.
      conf: { sleep_seconds: 30 },
      pollMs: 1000,
      timeoutMs: 300_000,
      onProgress: (p) => {
        progress.push(p);
        // Restart once the last task sleeps: its retries (5, 15 s apart) outlast the outage, which
        // is 40-70 s here (stopping, then starting the api-server on two busy cores).
        const lingering =
          p.kind === 'progress' &&
          p.taskInstances.some((t) => t.task_id === 'linger' && t.state === 'running');
        if (lingering && !restart) {
          restart = (async () => {
            await datapark('stop', 'airflow-api-server');
            await sleep(2000);
            await datapark('start', 'airflow-api-server');
          })();
        }
      },
    });
    expect(restart).toBeDefined();
    await restart;

    expect(done.dagRun.state).toBe('success');
    const unreachable = progress.filter((p) => p.kind === 'unreachable');
    expect(unreachable.length).toBeGreaterThan(0);
    expect(unreachable.some((p) => p.error instanceof ConnectionError)).toBe(true);
    // It went on polling after the outage: the last report is the finished run.
    const last = progress.at(-1);
    expect(last?.kind === 'progress' && last.dagRun.state).toBe('success');
  }, 360_000);
});
