import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('the datapark CLI', () => {
  it('prints its help and exits 0 when run with no command', () => {
    const result = run();
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: datapark \[options\] \[command\]/);
    expect(result.stdout).toMatch(/\n {2}up \[options\]/);
  });

  it('answers `datapark contracts` alone with the list, as `contracts list` does', () => {
    const alone = run('contracts');
    expect(alone.status).toBe(0);
    expect(alone.stdout).toMatch(/^subject\s+versions\s+rule$/m);
    expect(alone.stdout).toBe(run('contracts', 'list').stdout);
  });

  it('reports the running platform without a warning from kafkajs (TimeoutNegativeWarning)', () => {
    const result = run('status');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^kafka\s+running/m);
    expect(result.stderr).not.toMatch(/TimeoutNegativeWarning|negative number/);
  });
});
