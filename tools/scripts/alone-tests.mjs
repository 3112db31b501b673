// The test files `npm test` runs last and alone, one after another, with nothing else running:
// they stop, kill or restart a shared component, or hold a process to a wall-clock rate that
// a busy CPU would break. Every other test file runs on the shared platform with the others
// (test.mjs), so an entry here costs its whole time on the critical path: add a file only for
// one of those reasons, and say which.
//
// jest.preset.js reads DATAPARK_TEST_SET: `shared` leaves these files out, `alone` runs only
// them; unset (a developer's `npx nx run etl-driver:test`), every file runs.

/** Path from the workspace root → why the file cannot share the platform with other tests. */
export const ALONE_TESTS = {
  // etl-driver
  'apps/etl-driver/test/drill.test.ts':
    'stops a Kafka broker, PostgreSQL, a Spark worker and the Airflow scheduler, kills ingest, and holds the generator to 200 events/s while it does',
  'apps/etl-driver/test/broker-down-alert.test.ts':
    'stops the broker kafka-2 for more than a minute (KafkaBrokerDown fires after for: 1m)',
  'apps/etl-driver/test/ingest-postgres-restart.test.ts':
    'stops PostgreSQL, then `up` restarts whatever gave up while it was away',
  // platform-local
  'packages/platform-local/test/airflow.test.ts':
    "stops and starts PostgreSQL under the shared Airflow, and runs `up` on it; counts the shared Celery workers' processes",
  'packages/platform-local/test/kafka-durability.test.ts':
    'stops and starts the broker kafka-2 while it sends 100k events',
  // airflow-client
  'packages/airflow-client/test/restart.test.ts':
    "stops and starts the shared Airflow's api-server",
  'packages/airflow-client/test/workers.test.ts':
    "four tasks at once land on both Celery workers only while no other test's DAG run holds their slots",
  // event-generator
  'apps/event-generator/test/generator-run.test.ts':
    'asserts events per second against a target rate (200/s, then 50 → 500/s) within a band',
  'apps/event-generator/test/control-api.test.ts':
    'asserts the events generated in one or two seconds after a pause, a resume and a rate change',
};

/** The nx projects that own an alone file: the only ones the alone run starts. */
export function aloneProjects() {
  return [...new Set(Object.keys(ALONE_TESTS).map((path) => path.split('/')[1]))];
}
