// One Jest preset for every TypeScript project. The workspace is ESM (NodeNext), so Jest runs
// with --experimental-vm-modules and ts-jest emits ESM; `@datapark/*` imports resolve to the
// sources so tests never depend on a stale dist/.
// https://kulshekhar.github.io/ts-jest/docs/guides/esm-support
import { join, relative } from 'node:path';
import { OWN_CLUSTER_TESTS, STOPPING_TESTS, TIMED_TESTS } from './tools/scripts/alone-tests.mjs';

/**
 * Which of a project's test files run, from DATAPARK_TEST_SET (`npm test` sets it): `shared`
 * leaves out every file tools/scripts/alone-tests.mjs lists (they stop components, time rates,
 * or build a cluster of their own); `timed` runs only the alone files that time rates, `alone`
 * the other alone files, `cluster` the own-cluster ones; unset, every file.
 */
function testFileSet(projectDir) {
  const set = process.env['DATAPARK_TEST_SET'];
  const root = import.meta.dirname;
  const ofProject = (tests) =>
    Object.keys(tests)
      .filter((path) => path.startsWith(`${relative(root, projectDir)}/`))
      .map((path) => join(root, path));
  const timed = ofProject(TIMED_TESTS);
  const alone = ofProject(STOPPING_TESTS);
  const cluster = ofProject(OWN_CLUSTER_TESTS);
  const escaped = [...timed, ...alone, ...cluster].map(
    (path) => `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
  );
  // An empty testMatch would match every file: a project with no such file runs none.
  const only = (files, name) => ({
    testMatch: files.length > 0 ? files : [`<rootDir>/no-${name}-tests`],
  });
  if (!set) return {};
  if (set === 'shared') return { testPathIgnorePatterns: ['/node_modules/', ...escaped] };
  if (set === 'timed') return only(timed, 'timed');
  if (set === 'alone') return only(alone, 'alone');
  if (set === 'cluster') return only(cluster, 'own-cluster');
  throw new Error(
    `DATAPARK_TEST_SET = "${set}" is not a set of test files: set it to shared, timed, alone or cluster, or unset it for every file`,
  );
}

export function jestConfig(projectDir, overrides = {}) {
  return {
    displayName: projectDir.split('/').slice(-2).join('/'),
    rootDir: projectDir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    moduleNameMapper: {
      '^@datapark/([a-z-]+)$': '<rootDir>/../../packages/$1/src/index.ts',
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
    },
    // Tests share one platform and one database: run files one at a time, as a learner's
    // machine would, and give real services room to answer.
    maxWorkers: 1,
    testTimeout: 60_000,
    ...testFileSet(projectDir),
    ...overrides,
  };
}
