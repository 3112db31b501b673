import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Debian 12's Node 20 runs the `datapark` bin when dist/ is run by hand (`node …/cli.js`, or the
// bin on PATH): the CLI's dependencies need Node 22+ and used to fail deep inside a command with
// `TypeError: TEXT_ENCODINGS.union is not a function` (execa 10).
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p));
const majorOf = (node: string) =>
  Number(
    spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.split('.')[0],
  );

describe("the datapark bin on the distribution's Node", () => {
  it('runs again under the Node 24 that tools/ci/node.sh installed, with its arguments and exit code', () => {
    expect(systemNode).toBeDefined();
    const run = spawnSync(systemNode!, [CLI, 'endpoints'], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({ postgres: { port: expect.any(Number) } });
    const unknown = spawnSync(systemNode!, [CLI, 'no-such-command'], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'no-such-command'/);
  });

  it('without a Node 22+ to hand over to, fails at once saying which Node it has and the fix', () => {
    expect(systemNode).toBeDefined();
    if (majorOf(systemNode!) >= 22) return; // nothing to refuse on this machine
    const emptyCache = mkdtempSync(join(tmpdir(), 'no-node-cache-'));
    const run = spawnSync(systemNode!, [CLI, 'status'], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: emptyCache },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(
        `^✗ datapark needs Node 22 or newer; this is Node 20\\.[\\d.]+ \\(${systemNode}\\)\\.\\n` +
          '  Fix: `\\. tools/ci/node\\.sh` in the checkout installs Node 24 from the npm registry',
      ),
    );
    expect(run.stderr).not.toMatch(/TypeError|union is not a function/);
  });
});
