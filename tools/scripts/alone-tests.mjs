// The test files `npm test` runs last and alone, one after another, with nothing else running:
// they stop, kill or restart a shared component, or hold a process to a wall-clock rate that
// a busy CPU would break. Every other test file runs on the shared platform with the others
// (test.mjs), so an entry costs its whole time on the critical path: add a file only for one of
// those reasons, and say which.
//
// The list is alone-tests.json (path from the workspace root → why), so Jest (jest.preset.js)
// and pytest (apps/airflow-dags/tests/conftest.py) read the same one. DATAPARK_TEST_SET picks:
// `shared` leaves these files out, `alone` runs only them; unset (a developer's
// `npx nx run etl-driver:test`), every file runs.
//
// own-cluster-tests.json lists the files that build a cluster of their own and never touch the
// local platform, but are too heavy for the shared lane: they run (`cluster`) beside the alone
// files, which mostly wait on outages and alerts. Jest files only.
import { readFileSync } from 'node:fs';

const list = (name) => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'));

/** Path from the workspace root → why the file cannot share the platform with other tests. */
export const ALONE_TESTS = list('alone-tests.json');

/** Path from the workspace root → why the file runs beside the alone files, not the shared ones. */
export const OWN_CLUSTER_TESTS = list('own-cluster-tests.json');

/** The nx projects that own a file of `tests` (apps/<name>/…, packages/<name>/…). */
export function projectsOf(tests) {
  return [...new Set(Object.keys(tests).map((path) => path.split('/')[1]))];
}

/** The nx projects that own an alone file: the alone run's. */
export function aloneProjects() {
  return projectsOf(ALONE_TESTS);
}
