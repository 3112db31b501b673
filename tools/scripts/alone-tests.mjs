// The test files `npm test` runs last and alone, one after another, with nothing else on the
// platform: they stop, kill or restart a shared component, or hold a process to a wall-clock
// rate that a busy CPU would break. Every other test file runs on the shared platform with the
// others (test.mjs), so an entry costs its whole time on the critical path: add a file only for
// one of those reasons, and say which.
//
// The list is alone-tests.json (path from the workspace root → why), so Jest (jest.preset.js)
// and pytest (apps/airflow-dags/tests/conftest.py) read the same one. Two more lists, Jest files
// only (alone-tests.test.ts checks it):
// - timed-tests.json: the alone files that assert a rate or a time. They run first, with
//   nothing beside them, not even the own-cluster files.
// - own-cluster-tests.json: files that build a cluster of their own and touch no component of
//   the local platform, but are too heavy for the shared lane. They run beside the other alone
//   files, which mostly wait on outages and alerts.
// DATAPARK_TEST_SET picks: `shared` leaves out every listed file; `timed` runs only the timed
// ones; `alone` the other alone ones; `cluster` the own-cluster ones; unset (a developer's
// `npx nx run etl-driver:test`), every file runs.
import { readFileSync } from 'node:fs';

const list = (name) => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'));

/** Path from the workspace root → why the file cannot share the platform with other tests. */
export const ALONE_TESTS = list('alone-tests.json');

/** The alone files that assert a rate or a time (a subset of ALONE_TESTS) → why. */
export const TIMED_TESTS = list('timed-tests.json');

/** Path from the workspace root → why the file runs beside the alone files, not the shared ones. */
export const OWN_CLUSTER_TESTS = list('own-cluster-tests.json');

/** The alone files that are not timed: what DATAPARK_TEST_SET=alone runs → why. */
export const STOPPING_TESTS = Object.fromEntries(
  Object.entries(ALONE_TESTS).filter(([path]) => !(path in TIMED_TESTS)),
);

/** The nx projects that own a file of `tests` (apps/<name>/…, packages/<name>/…). */
export function projectsOf(tests) {
  return [...new Set(Object.keys(tests).map((path) => path.split('/')[1]))];
}
