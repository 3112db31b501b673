import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDaemon, stopDaemon } from '../src/daemon.js';
import { isAlive, runningPid } from '../src/pid-file.js';

const dir = mkdtempSync(join(tmpdir(), 'daemon-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Polls `probe` (a throw counts as not yet) until it holds; throws `what` and `context()` after `ms`. */
async function poll(what: string, probe: () => boolean, ms = 20_000, context = () => '') {
  for (const started = Date.now(); ; await sleep(50)) {
    try {
      if (probe()) return;
    } catch {
      // not yet
    }
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}\n${context()}`);
  }
}

const spec = (name: string, script: string) => ({
  command: 'sh',
  args: ['-c', script],
  pidFile: join(dir, `${name}.pid`),
  logFile: join(dir, `${name}.log`),
  restart: 'on-failure' as const,
});

describe("a daemon started with restart: 'on-failure'", () => {
  it('is restarted with backoff each time it fails, and says so in its log', async () => {
    // Each run appends a line and fails; the supervisor restarts it after 1 s, then 2 s.
    const runs = join(dir, 'runs');
    const daemon = spec('crashing', `echo run >> '${runs}'; exit 3`);
    startDaemon(daemon);
    await poll(
      'three runs',
      () => (readFileSync(runs, 'utf8').match(/run/g)?.length ?? 0) >= 3,
      20_000,
      () => readFileSync(daemon.logFile, 'utf8'),
    );
    const log = readFileSync(daemon.logFile, 'utf8');
    expect(log).toMatch(/\[datapark\] crashing exited with code 3 after \d+ s; restart 1 in 1 s/);
    expect(log).toMatch(/restart 2 in 2 s/);
    expect(await stopDaemon(daemon.pidFile, 5_000)).toBe(true);
    expect(runningPid(daemon.pidFile)).toBeUndefined();
  }, 30_000);

  it('ends, not restarts, when the process exits 0', async () => {
    const daemon = spec('clean', 'exit 0');
    const pid = startDaemon(daemon);
    await poll('the supervisor to exit', () => !isAlive(pid));
    expect(readFileSync(daemon.logFile, 'utf8')).not.toMatch(/restart/);
  });

  it('stops for good on stopDaemon: the process and the supervisor are gone, nothing restarts', async () => {
    const child = join(dir, 'child.pid');
    const daemon = spec('long', `echo $$ > '${child}'; exec sleep 300`);
    const supervisor = startDaemon(daemon);
    await poll('the child to start', () => readFileSync(child, 'utf8').trim() !== '');
    const childPid = Number(readFileSync(child, 'utf8'));
    expect(isAlive(childPid)).toBe(true);
    expect(await stopDaemon(daemon.pidFile, 5_000)).toBe(true);
    expect([isAlive(supervisor), isAlive(childPid)]).toEqual([false, false]);
    await sleep(1500); // longer than the first backoff: a restart would have happened by now
    expect(readFileSync(daemon.logFile, 'utf8')).not.toMatch(/restart/);
  }, 30_000);
});
