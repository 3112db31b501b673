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
import { readFileSync } from 'node:fs';

/** Path from the workspace root → why the file cannot share the platform with other tests. */
export const ALONE_TESTS = JSON.parse(
  readFileSync(new URL('alone-tests.json', import.meta.url), 'utf8'),
);

/** The nx projects that own an alone file (apps/<name>/…, packages/<name>/…): the alone run's. */
export function aloneProjects() {
  return [...new Set(Object.keys(ALONE_TESTS).map((path) => path.split('/')[1]))];
}
