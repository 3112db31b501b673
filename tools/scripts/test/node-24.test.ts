import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The README's two commands on a stock Debian/Ubuntu run on the distribution's Node (20 on
// Debian 12): the scripts must bring Node 24 themselves and run again under it.
const fixture = join(import.meta.dirname, 'fixtures', 'print-node-version.mjs');
const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p));

describe('ensureNode24', () => {
  it("reruns a script under Node 24 when the distribution's Node is older, with its arguments", () => {
    // The machine's own Node (Debian's nodejs package), which the README's commands start from.
    expect(systemNode).toBeDefined();
    const run = spawnSync(systemNode!, [fixture, 'a', 'b c'], { encoding: 'utf8' });
    const systemMajor = Number(
      spawnSync(systemNode!, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.split(
        '.',
      )[0],
    );
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    const [version, ...args] = run.stdout.trim().split(' ');
    // Below 22 it must have handed over to 24; at 22 or above it runs as it is.
    expect(Number(version!.split('.')[0])).toBe(systemMajor < 22 ? 24 : systemMajor);
    expect(args.join(' ')).toBe('a b c');
  });
});
