import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// `npm run demo` is the README's first command on a fresh machine: it must install whatever
// `datapark up` can find missing. A "not found" error of the platform names its fix, a
// tools/ci script (e.g. `bash tools/ci/objectstore.sh`); the demo must run each of those, or a
// script that runs it. On cold caches the demo once stopped at `up` with "versitygw was not
// found": objectstore.sh was missing from its list.
const root = join(import.meta.dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const scriptsNamedIn = (text: string) =>
  new Set([...text.matchAll(/tools\/ci\/([a-z0-9-]+\.sh)/g)].map((m) => m[1]!));

/** The tools/ci scripts the demo runs: its list, and what those (and node-24.mjs) run in turn. */
function demoInstalls(): Set<string> {
  const demo = read('tools/scripts/demo.mjs');
  const list = demo.match(/for \(const script of \[([^\]]*)\]\)/)?.[1] ?? '';
  const run = new Set([...list.matchAll(/'([a-z0-9-]+\.sh)'/g)].map((m) => m[1]!));
  for (const name of scriptsNamedIn(read('tools/scripts/node-24.mjs'))) run.add(name);
  for (const name of [...run])
    for (const inner of scriptsNamedIn(read(`tools/ci/${name}`))) run.add(inner);
  return run;
}

/** The tools/ci scripts the local platform's code names (its fixes for what is missing). */
function platformNeeds(): Set<string> {
  const dir = join(root, 'packages', 'platform-local', 'src');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter(
    (e) => e.isFile() && e.name.endsWith('.ts'),
  );
  const needed = new Set<string>();
  for (const file of files)
    for (const name of scriptsNamedIn(readFileSync(join(file.parentPath, file.name), 'utf8')))
      needed.add(name);
  return needed;
}

describe('npm run demo', () => {
  it('installs everything the local platform can find missing', () => {
    const installs = demoInstalls();
    // The list is found and holds the basics (a changed loop would otherwise pass vacuously).
    expect([...installs]).toEqual(
      expect.arrayContaining(['apt.sh', 'python.sh', 'maven.sh', 'node.sh']),
    );
    const needed = platformNeeds();
    expect(needed.size).toBeGreaterThanOrEqual(5);
    expect([...needed].filter((name) => !installs.has(name)).sort()).toEqual([]);
  });
});
