import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
// A state directory of the test's own: `list` and `hint` need no platform, and the learner's
// progress in the checkout's .datapark is never touched.
const stateDir = mkdtempSync(join(tmpdir(), 'datapark-lesson-cli-'));
const lesson = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'lesson', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DATAPARK_STATE_DIR: stateDir },
  });

describe('datapark lesson', () => {
  it('list shows every lesson in order, none started, and where to begin', () => {
    const result = lesson('list');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ {3}1 {2}Produce your first typed event.* not started$/m);
    expect(result.stdout).toMatch(/^ {3}3 {2}Exactly once.* not started$/m);
    expect(result.stdout).toMatch(/^ {3}9 {2}Schema registry: .* not started$/m);
    expect(result.stdout).toContain(
      'next: lesson 1, docs/lessons/01-first-event.md (datapark lesson start 1)',
    );
  });

  it('hint gives one more hint each time and keeps count in the state directory', () => {
    const first = lesson('hint', '2');
    const second = lesson('hint', '2');
    expect(first.stdout).toMatch(/^hint 1 of 4 for lesson 2: /);
    expect(second.stdout).toMatch(/^hint 2 of 4 for lesson 2: /);
    expect(first.stdout).not.toBe(second.stdout);
    const progress = JSON.parse(
      readFileSync(join(stateDir, 'lessons', 'progress.json'), 'utf8'),
    ) as Record<string, { hintsShown: number }>;
    expect(progress['2']!.hintsShown).toBe(2);
  });

  it('an unknown lesson or one not started fails with what to do, not a stack trace', () => {
    const unknown = lesson('check', '42');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(
      'no lesson 42: there are 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 (datapark lesson list)',
    );
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const notStarted = lesson('check', '1');
    expect(notStarted.status).toBe(1);
    expect(notStarted.stderr).toContain(
      'lesson 1 is not started: `datapark lesson start 1` prepares the platform for it',
    );
    expect(notStarted.stderr).not.toMatch(/\n\s+at /);
  });
});
