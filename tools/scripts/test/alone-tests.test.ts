import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// npm test runs every test file on the shared platform, two projects at a time, except the ones
// alone-tests.json lists. A file that stops a shared component and is missing from the list (a
// new one, or a listed one renamed) would break whatever runs beside it: both are caught here.
const root = join(import.meta.dirname, '..', '..', '..');
const list = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', name), 'utf8')) as Record<string, string>;
const ALONE_TESTS = list('alone-tests.json');
const OWN_CLUSTER_TESTS = list('own-cluster-tests.json');
const TIMED_TESTS = list('timed-tests.json');

/** The files Jest runs for a project's config under DATAPARK_TEST_SET=`set`, from the root. */
function listTests(project: string, set: string) {
  const run = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--config',
      join(root, project, 'jest.config.js'),
      '--listTests',
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, DATAPARK_TEST_SET: set } },
  );
  const files = run.stdout
    .split('\n')
    .filter((line) => line.endsWith('.test.ts'))
    .map((line) => relative(root, line))
    .sort();
  return { status: run.status, files, stderr: run.stderr };
}

/** Test files of the workspace (Jest's *.test.ts, pytest's test_*.py), from the root. */
function testFiles(): string[] {
  return ['apps', 'packages', 'lab', 'tools'].flatMap((top) =>
    readdirSync(join(root, top), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /(\.test\.ts|^test_.*\.py)$/.test(e.name))
      .map((e) => relative(root, join(e.parentPath, e.name)))
      .filter((path) => !path.split('/').includes('node_modules')),
  );
}

// How a test stops a shared component: the platform's stop (a LocalPlatform, `datapark stop` run
// as a child), or the failure drills, which stop one after another.
const STOPS = /platform\(?\)?\.stop\(|platform\('stop'|datapark\(\s*['"]stop['"]|\['drill'/;

describe('the test files npm test runs alone', () => {
  it('are all there: a renamed file would run beside the others', () => {
    for (const tests of [ALONE_TESTS, OWN_CLUSTER_TESTS, TIMED_TESTS]) {
      expect(Object.keys(tests).filter((path) => !existsSync(join(root, path)))).toEqual([]);
      expect(Object.values(tests).every((why) => why.length > 20)).toBe(true);
    }
    // A file in both would run twice at once, beside itself; a timed file is an alone one.
    expect(Object.keys(OWN_CLUSTER_TESTS).filter((path) => path in ALONE_TESTS)).toEqual([]);
    expect(Object.keys(TIMED_TESTS).filter((path) => !(path in ALONE_TESTS))).toEqual([]);
    // Only Jest reads these two (the DAG tests' conftest.py knows the sets, but no pytest run
    // is started for them).
    expect(
      [...Object.keys(OWN_CLUSTER_TESTS), ...Object.keys(TIMED_TESTS)].filter(
        (path) => !path.endsWith('.test.ts'),
      ),
    ).toEqual([]);
  });

  it('include every test file that stops a shared component', () => {
    const stopping = testFiles().filter(
      (path) =>
        path !== relative(root, import.meta.filename) &&
        STOPS.test(readFileSync(join(root, path), 'utf8')),
    );
    expect(stopping.length).toBeGreaterThanOrEqual(7);
    expect(stopping.filter((path) => !(path in ALONE_TESTS))).toEqual([]);
  });

  it('are what DATAPARK_TEST_SET picks: shared leaves them out, timed and alone split them', () => {
    const etl = 'apps/etl-driver';
    const of = (tests: Record<string, string>) =>
      Object.keys(tests)
        .filter((path) => path.startsWith(`${etl}/`))
        .sort();
    const all = listTests(etl, '').files;
    const timed = listTests(etl, 'timed').files;
    const alone = listTests(etl, 'alone').files;
    expect(timed).toEqual(of(TIMED_TESTS));
    expect(timed).toContain(`${etl}/test/drill.test.ts`);
    expect(alone).toEqual(of(ALONE_TESTS).filter((path) => !timed.includes(path)));
    expect(listTests(etl, 'shared').files).toEqual(
      all.filter((path) => !alone.includes(path) && !timed.includes(path)),
    );
    // A project whose alone files are all timed runs none under `alone`.
    expect(listTests('apps/event-generator', 'alone').files).toEqual([]);
    // A project without an alone file runs none under `alone`, not all.
    expect(listTests('packages/kafka', 'alone').files).toEqual([]);
    expect(listTests(etl, 'some').stderr).toMatch(
      /DATAPARK_TEST_SET = "some".*shared, timed, alone or cluster/,
    );
  }, 60_000);

  it('leave the files that build a cluster of their own to `cluster`, beside the alone ones', () => {
    const kube = 'packages/platform-kubernetes';
    const own = Object.keys(OWN_CLUSTER_TESTS)
      .filter((path) => path.startsWith(`${kube}/`))
      .sort();
    expect(own).toContain(`${kube}/test/real-node.test.ts`);
    const all = listTests(kube, '').files;
    expect(listTests(kube, 'cluster').files).toEqual(own);
    expect(listTests(kube, 'shared').files).toEqual(all.filter((path) => !own.includes(path)));
    expect(listTests(kube, 'alone').files).toEqual([]);
    // A project without such a file runs none under `cluster`, not all.
    expect(listTests('apps/etl-driver', 'cluster').files).toEqual([]);
  }, 60_000);

  it("never run charts:e2e's pipeline on the node (it takes the local platform's ports): the charts project's sets hold none of charts/e2e", () => {
    const sets = ['', 'shared', 'cluster', 'alone', 'timed'].flatMap(
      (set) => listTests('charts', set).files,
    );
    expect(sets.length).toBeGreaterThan(0);
    expect(sets.filter((path) => path.includes('/e2e/'))).toEqual([]);
    // …while charts:e2e's own config finds it.
    expect(listTests('charts/e2e', '').files).toEqual(['charts/e2e/pipeline-on-node.e2e.test.ts']);
  }, 60_000);
});
