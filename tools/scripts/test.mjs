#!/usr/bin/env node
// `npm test`: build, start the local platform once, run every project's lint, typecheck and
// tests against it (TypeScript with Jest, Python with pytest), then print one closing line
// `N passed, N failed`. Extra arguments go to nx (e.g. `npm test -- -p db`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

// Node 20 fails deep inside execa/kysely with a TypeError; say what to do instead.
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(
    `✗ Node ${process.versions.node} is too old: Data Park needs Node 22 or newer (24 LTS).\n` +
      '  Fix: `. tools/ci/node.sh` installs Node 24 from the npm registry and puts it first on PATH.\n',
  );
  process.exit(1);
}
const resultsDir = join(root, '.datapark', 'test-results');
const nxArgs = process.argv.slice(2);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

function run(title, command, args) {
  process.stderr.write(`\n━━ ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  process.stderr.write(`━━ ${title}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
  return result.status ?? 1;
}

const nx = join(root, 'node_modules', '.bin', 'nx');
if (run('build', nx, ['run-many', '-t', 'build', '--outputStyle=stream', ...nxArgs]) !== 0) process.exit(1);

// The platform is started once here and shared by every test file of every project.
const only = process.env.DATAPARK_TEST_COMPONENTS ? ['--only', process.env.DATAPARK_TEST_COMPONENTS] : [];
if (run('local platform up', process.execPath, ['packages/platform/dist/cli.js', 'up', ...only]) !== 0) {
  process.stderr.write('The local platform did not start: see the error above and `node packages/platform/dist/cli.js logs`.\n');
  process.exit(1);
}

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const status = run('lint, typecheck, test', nx, [
  'run-many', '-t', 'lint', 'typecheck', 'test', '--parallel=1', '--outputStyle=stream', ...nxArgs,
]);

// Count what actually ran: Jest's JSON reports and pytest's JUnit XML files.
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of existsSync(resultsDir) ? readdirSync(resultsDir) : []) {
  const text = readFileSync(join(resultsDir, file), 'utf8');
  if (file.endsWith('.json')) {
    const report = JSON.parse(text);
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
  } else if (file.endsWith('.xml')) {
    for (const m of text.matchAll(/<testsuite\b[^>]*>/g)) {
      const attr = (name) => Number(m[0].match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
      const bad = attr('failures') + attr('errors');
      failed += bad;
      skipped += attr('skipped');
      passed += attr('tests') - bad - attr('skipped');
    }
  }
}

if (process.env.CI) run('local platform down', process.execPath, ['packages/platform/dist/cli.js', 'down']);
else process.stderr.write('\nThe local platform is still running (faster next run): `npx nx run platform:down` stops it.\n');

const noTests = passed + failed === 0;
if (noTests) process.stderr.write('No test ran: that is a failure.\n');
if (skipped > 0) process.stderr.write(`${skipped} tests were skipped: a skipped test hides a failure.\n`);
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(status !== 0 || failed > 0 || noTests || skipped > 0 ? 1 : 0);
