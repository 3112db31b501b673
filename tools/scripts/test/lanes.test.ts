import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// npm test lints and typechecks beside the platform's tests (tools/scripts/lanes.mjs): both
// must really run at once, every command beside must run even after one failed, and neither
// output may be cut into the other.
const fixture = join(import.meta.dirname, 'fixtures', 'run-lanes.mjs');

describe('runBeside and runInTerminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'datapark-lanes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run at once; the commands beside all run, their first failure counts, their log is shown whole afterwards', () => {
    const run = spawnSync(process.execPath, [fixture, dir], { encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout }).toEqual({
      status: 0,
      stdout: `${JSON.stringify({ terminal: 0, beside: 3 })}\n`,
    });
    const at = (text: string, label: string) =>
      Number(new RegExp(`${label}, at (\\d+)`).exec(text)![1]);
    const log = readFileSync(join(dir, 'beside.log'), 'utf8');
    // The second command beside ran although the first failed, and only they wrote the log.
    expect(log).toMatch(/^beside one\nbeside two, at \d+\n$/);
    // The terminal's command was done while the second beside was still waiting its 1.5 s.
    expect(at(run.stderr, 'in the terminal')).toBeLessThan(at(log, 'beside two'));
    // In the terminal: its own command's output first, then the log beside in one piece.
    const lines = run.stderr.split('\n');
    const index = (start: string) => lines.findIndex((l) => l.startsWith(start));
    expect(index('in the terminal')).toBeGreaterThan(-1);
    expect(index('in the terminal')).toBeLessThan(index('━━ beside (ran beside'));
    expect(
      lines.slice(index('━━ beside (ran beside') + 1, index('━━ beside (ran beside') + 4),
    ).toEqual([
      'beside one',
      expect.stringMatching(/^beside two, at \d+$/),
      expect.stringMatching(/^━━ beside: failed \(exit 3\) in \d+s$/),
    ]);
  });
});
