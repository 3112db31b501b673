#!/usr/bin/env node
// `npm test`: install what is missing (tools/ci/setup.sh), build, start the local platform once,
// run every project's lint, typecheck and tests against it (TypeScript with Jest, Python with
// pytest), then print one closing line `N passed, N failed`. Extra arguments go to nx (e.g.
// `npm test -- -p db`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import {
  ALONE_TESTS,
  OWN_CLUSTER_TESTS,
  STOPPING_TESTS,
  TIMED_TESTS,
  projectsOf,
} from './alone-tests.mjs';
import { runBeside, runInTerminal, showLog } from './lanes.mjs';
import { ensureNode24 } from './node-24.mjs';

const root = new URL('../..', import.meta.url).pathname;

// Node 20 (Debian 12's) fails deep inside execa/kysely: rerun under Node 24, brought here.
ensureNode24();
const resultsDir = join(root, '.datapark', 'test-results');
const nxArgs = process.argv.slice(2);
// DATAPARK_TEST_SET is this script's to set, per group (below): one left in the shell would
// leave files out of `npm test -- -p <project>`.
const { DATAPARK_TEST_SET: _set, ...inherited } = process.env;
const env = { ...inherited, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
/** How many projects' tests run at once on the shared platform (DATAPARK_TEST_PARALLEL, default 2). */
const SHARED_PARALLEL = Number(process.env.DATAPARK_TEST_PARALLEL ?? 2);
if (!Number.isInteger(SHARED_PARALLEL) || SHARED_PARALLEL < 1) {
  process.stderr.write(
    `DATAPARK_TEST_PARALLEL = "${process.env.DATAPARK_TEST_PARALLEL}" is not a number of projects: set it to 1, 2 or more, or unset it for 2.\n`,
  );
  process.exit(1);
}

function run(title, command, args, extraEnv = {}) {
  process.stderr.write(`\n━━ ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, ...extraEnv },
  });
  process.stderr.write(
    `━━ ${title}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(0)}s\n`,
  );
  return result.status ?? 1;
}

// First whatever is missing (node_modules, venvs, jars, the Go-built tools, the images): on a
// fresh clone `npm test` sets itself up; when all is there each script returns in seconds.
if (
  run('set-up: install what is missing (tools/ci/setup.sh)', 'bash', ['tools/ci/setup.sh']) !== 0
) {
  process.stderr.write(
    'The set-up failed: the step that failed is the last one above its error (logs in .datapark/ci-setup).\n',
  );
  process.exit(1);
}
const nx = join(root, 'node_modules', '.bin', 'nx');
// The builds, and the chart's generated files when every project is tested: the lanes below
// then run their targets without their dependencies. Without nx's daemon a dependency "from the
// local cache" is restored again at every nx run, its files deleted and rewritten, and a CLI
// started meanwhile by another lane's test failed with ERR_MODULE_NOT_FOUND (a fresh CI saw
// packages/events/dist/catalog.js missing mid-run).
const buildTargets = nxArgs.length > 0 ? ['build'] : ['build', 'sync-files'];
if (run('build', nx, ['run-many', '-t', ...buildTargets, '--outputStyle=stream', ...nxArgs]) !== 0)
  process.exit(1);
// Formatting is checked once for the whole tree (what .prettierignore leaves), before the tests.
const formatStatus = run(
  'format check (prettier)',
  join(root, 'node_modules', '.bin', 'prettier'),
  ['--check', '--log-level=warn', '.'],
);

// The platform is started once here and shared by every test file of every project.
const only = process.env.DATAPARK_TEST_COMPONENTS
  ? ['--only', process.env.DATAPARK_TEST_COMPONENTS]
  : [];
if (
  run('local platform up', process.execPath, ['apps/datapark-cli/dist/cli.js', 'up', ...only]) !== 0
) {
  process.stderr.write(
    'The local platform did not start: see the error above and `node apps/datapark-cli/dist/cli.js logs`.\n',
  );
  process.exit(1);
}
// A day of the shop, as the demo leaves it, for the tests that read it (tools/scripts/test-data.mjs).
if (
  only.length === 0 &&
  run('a day of the shop for the tests (skipped when there)', process.execPath, [
    'tools/scripts/test-data.mjs',
  ]) !== 0
)
  process.exit(1);

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const serial = ['--parallel=1', '--outputStyle=stream'];
/** Built above: no lane restores a build again while another lane's tests run. */
const noDeps = '--excludeTaskDependencies';

// The test files that stop, kill or restart shared components (the drills, PostgreSQL, a Kafka
// broker, Airflow's api-server) or hold the generator to an events-per-second band run last and
// alone, one after another, so no other test meets their outages:
// tools/scripts/alone-tests.json lists them, each with why. Those that assert a rate or a time
// (timed-tests.json) go first with nothing beside them; the files that build a cluster of their
// own (own-cluster-tests.json) run beside the rest. Every other file of those projects runs on
// the shared platform with the rest (jest.preset.js picks the files by DATAPARK_TEST_SET).
const ALONE = projectsOf(STOPPING_TESTS);
// Projects whose tests need no platform, or only read it and make topics of their own: CPU
// work (helm, schemas, a kube-apiserver of their own, the CLI's commands). They run, after
// every project's lint and typecheck (CPU only too), beside the other projects' tests, which
// spend much of their time waiting on Spark drivers, DAG runs and notebooks.
const BESIDE = [
  'charts',
  'datapark-cli',
  'config',
  'events',
  'http',
  'plot',
  'platform',
  'ui-testing',
];

// The beside lane runs every file of its projects, with no set: an alone file there would not wait.
const besideAndAlone = [...projectsOf(ALONE_TESTS), ...projectsOf(OWN_CLUSTER_TESTS)].filter(
  (project) => BESIDE.includes(project),
);
if (besideAndAlone.length > 0) {
  process.stderr.write(
    `${besideAndAlone.join(', ')}: in BESIDE (test.mjs) with a file in tools/scripts/alone-tests.json or own-cluster-tests.json; take it out of BESIDE.\n`,
  );
  process.exit(1);
}

let status;
if (nxArgs.length > 0) {
  // Projects named (`npm test -- -p db`): everything of theirs one after another, as nx orders it.
  status = run('lint, typecheck, test', nx, [
    'run-many',
    '-t',
    'lint',
    'typecheck',
    'test',
    ...serial,
    ...nxArgs,
  ]);
} else {
  const options = { cwd: root, env };
  const beside = runBeside(
    `lint, typecheck; tests of ${BESIDE.join(', ')}`,
    [
      // lint-test-dags is airflow-client's lint's dependency, named since dependencies are not run.
      [nx, ['run-many', '-t', 'lint', 'typecheck', 'lint-test-dags', noDeps, ...serial]],
      [nx, ['run-many', '-t', 'test', '-p', BESIDE.join(','), noDeps, ...serial]],
    ],
    join(resultsDir, 'beside.log'),
    options,
  );
  // SHARED_PARALLEL projects at a time: their tests mostly wait (Spark drivers, DAG runs,
  // notebooks), and each project's files still run one after another. Spark's four cores fit
  // two jobs (a driver and an executor each), so two lanes rarely wait for cores.
  const shared = await runInTerminal(
    `tests on the shared platform, ${SHARED_PARALLEL} projects at a time`,
    nx,
    [
      'run-many',
      '-t',
      'test',
      '--exclude',
      BESIDE.join(','),
      noDeps,
      `--parallel=${SHARED_PARALLEL}`,
      '--outputStyle=stream',
    ],
    { ...options, env: { ...env, DATAPARK_TEST_SET: 'shared' } },
  );
  const besideStatus = showLog(await beside);
  const names = (paths) => paths.map((path) => path.replace(/^.*\/tests?\//, '')).join(', ');
  // First the alone files that assert a rate or a time, with nothing beside them.
  const timed = run(
    `tests that time events, alone: ${names(Object.keys(TIMED_TESTS))}`,
    nx,
    ['run-many', '-t', 'test', '-p', projectsOf(TIMED_TESTS).join(','), noDeps, ...serial],
    { DATAPARK_TEST_SET: 'timed' },
  );
  // Then the other alone files, and beside them the files that build a cluster of their own:
  // those touch no component of the platform, and take their minutes of CPU while the alone
  // files mostly wait on outages and alerts.
  const clusterProjects = projectsOf(OWN_CLUSTER_TESTS);
  const ownCluster =
    clusterProjects.length === 0
      ? undefined
      : runBeside(
          `tests that build a cluster of their own: ${names(Object.keys(OWN_CLUSTER_TESTS))}`,
          [[nx, ['run-many', '-t', 'test', '-p', clusterProjects.join(','), noDeps, ...serial]]],
          join(resultsDir, 'own-cluster.log'),
          { cwd: root, env: { ...env, DATAPARK_TEST_SET: 'cluster' } },
        );
  const alone = await runInTerminal(
    `tests that stop components, alone: ${names(Object.keys(STOPPING_TESTS))}`,
    nx,
    ['run-many', '-t', 'test', '-p', ALONE.join(','), noDeps, ...serial],
    { cwd: root, env: { ...env, DATAPARK_TEST_SET: 'alone' } },
  );
  const ownClusterStatus = ownCluster ? showLog(await ownCluster) : 0;
  status = [shared, besideStatus, timed, alone, ownClusterStatus].find((s) => s !== 0) ?? 0;
}

// Count what actually ran: Jest's JSON reports and pytest's JUnit XML files.
let passed = 0;
let failed = 0;
let skipped = 0;
/** Each failure's name and the start of its message, printed last so a log's tail shows them. */
const failures = [];
/** Per project: tests run and seconds spent in them, for the time table. */
const timeByProject = new Map();
const addTime = (project, tests, seconds) => {
  const t = timeByProject.get(project) ?? { tests: 0, seconds: 0 };
  timeByProject.set(project, { tests: t.tests + tests, seconds: t.seconds + seconds });
};
/** Per test file (a Jest file, a pytest module): seconds spent in it, for the critical path. */
const timeByFile = new Map();
const addFileTime = (file, seconds) => timeByFile.set(file, (timeByFile.get(file) ?? 0) + seconds);
for (const file of existsSync(resultsDir) ? readdirSync(resultsDir) : []) {
  const text = readFileSync(join(resultsDir, file), 'utf8');
  // <project>.json, <project>.<set>.json (DATAPARK_TEST_SET: shared, timed, alone, cluster), <project>-pytest.xml
  const project = file.replace(/(-pytest)?(\.shared|\.timed|\.alone|\.cluster)?\.(json|xml)$/, '');
  const lane = /\.(timed|alone)\.(json|xml)$/.test(file)
    ? ' (alone)'
    : /\.cluster\.(json|xml)$/.test(file)
      ? ' (beside the alone files)'
      : '';
  if (file.endsWith('.json')) {
    const report = JSON.parse(text);
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    for (const suite of report.testResults ?? []) {
      const seconds = Math.max(0, (suite.endTime ?? 0) - (suite.startTime ?? 0)) / 1000;
      addTime(project, (suite.assertionResults ?? []).length, seconds);
      addFileTime(`${relative(root, suite.name)}${lane}`, seconds);
      const bad = (suite.assertionResults ?? []).filter((a) => a.status === 'failed');
      for (const a of bad)
        failures.push({ name: `${project}: ${a.fullName}`, message: a.failureMessages.join('\n') });
      // A suite that failed to run at all (a syntax error, a hook that threw) has no failed test.
      if (suite.status === 'failed' && bad.length === 0) {
        failed += 1;
        failures.push({
          name: `${project}: ${suite.name.replace(root, '')}`,
          message: suite.message ?? '',
        });
      }
    }
  } else if (file.endsWith('.xml')) {
    for (const m of text.matchAll(/<testsuite\b[^>]*>/g)) {
      const attr = (name) => Number(m[0].match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
      const bad = attr('failures') + attr('errors');
      addTime(project, attr('tests'), Number(m[0].match(/\btime="([\d.]+)"/)?.[1] ?? 0));
      failed += bad;
      skipped += attr('skipped');
      passed += attr('tests') - bad - attr('skipped');
    }
    // pytest names each case's module in classname: apps.airflow-dags.tests.test_dags → its file.
    for (const m of text.matchAll(/<testcase\b([^>]*?)\/?>/g)) {
      const module = m[1].match(/\bclassname="([^"]*)"/)?.[1];
      const seconds = Number(m[1].match(/\btime="([\d.]+)"/)?.[1] ?? 0);
      if (module) addFileTime(`${module.replace(/\./g, '/')}.py${lane}`, seconds);
    }
    for (const m of text.matchAll(
      /<testcase\b([^>]*)>\s*<(failure|error)\b([^>]*)>([\s\S]*?)<\/\2>/g,
    )) {
      const attr = (from, name) =>
        xmlText(from.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1] ?? '');
      failures.push({
        name: `${project}: ${attr(m[1], 'classname')}::${attr(m[1], 'name')}`,
        message: `${attr(m[3], 'message')}\n${xmlText(m[4])}`,
      });
    }
  }
}

function xmlText(text) {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#10;/g, '\n')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The first lines of a failure message without colour codes or blank lines: enough to act on. */
function digest(message, lines = 12) {
  const kept = stripVTControlCharacters(message)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  // A line repeated many times (a progress line in captured output) says nothing new.
  const unique = kept.filter((line, i) => i === 0 || line !== kept[i - 1]);
  const head = unique.slice(0, lines).map((line) => `    ${line.slice(0, 240)}`);
  if (unique.length > lines)
    head.push(`    … ${unique.length - lines} more lines above in the log`);
  return head.join('\n');
}

if (process.env.CI)
  run('local platform down', process.execPath, ['apps/datapark-cli/dist/cli.js', 'down']);
else
  process.stderr.write(
    '\nThe local platform is still running (faster next run): `npx nx run platform:down` stops it.\n',
  );

// Where the test time goes, slowest first: the first place to look when `npm test` is slow.
const slowest = [...timeByProject].sort((a, b) => b[1].seconds - a[1].seconds);
if (slowest.length > 0) {
  process.stderr.write('\n━━ test time per project\n');
  for (const [project, t] of slowest)
    process.stderr.write(
      `  ${project.padEnd(28)} ${String(t.tests).padStart(4)} tests  ${t.seconds.toFixed(0).padStart(5)} s\n`,
    );
}

// The slowest files: alone ones add up one after another; shared ones overlap.
const slowestFiles = [...timeByFile].sort((a, b) => b[1] - a[1]).slice(0, 15);
if (slowestFiles.length > 0) {
  process.stderr.write('\n━━ the 15 slowest test files\n');
  for (const [file, seconds] of slowestFiles)
    process.stderr.write(`  ${seconds.toFixed(0).padStart(5)} s  ${file}\n`);
}

if (failures.length > 0) {
  process.stderr.write(`\n━━ failed tests (${failures.length}); each one's full output is above\n`);
  for (const f of failures.slice(0, 8)) process.stderr.write(`✗ ${f.name}\n${digest(f.message)}\n`);
  if (failures.length > 8) process.stderr.write(`… and ${failures.length - 8} more\n`);
}
const noTests = passed + failed === 0;
if (noTests) process.stderr.write('No test ran: that is a failure.\n');
if (skipped > 0)
  process.stderr.write(`${skipped} tests were skipped: a skipped test hides a failure.\n`);
process.stdout.write(
  `\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
);
if (formatStatus !== 0)
  process.stderr.write('Formatting differs from prettier: `npm run format` fixes it.\n');
process.exit(status !== 0 || formatStatus !== 0 || failed > 0 || noTests || skipped > 0 ? 1 : 0);
