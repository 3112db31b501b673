import { airflow, parsedDag } from './fixtures.js';

beforeAll(async () => {
  // From the platform's `test-dags` bundle, never from the folder the chart ships.
  expect((await parsedDag('client_test_spread')).bundle_name).toBe('test-dags');
}, 180_000);

describe("the local platform's Celery workers", () => {
  it('share the tasks of one run: four tasks at once land on both workers', async () => {
    const done = await airflow.triggerAndWait('client_test_spread', {
      pollMs: 1000,
      timeoutMs: 240_000,
    });
    expect(done.dagRun.state).toBe('success');
    const workers = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const entry = await airflow.xcoms.get(
          {
            dagId: 'client_test_spread',
            dagRunId: done.dagRun.dag_run_id,
            taskId: `which_worker_${n}`,
          },
          'return_value',
          { deserialize: true },
        );
        return entry.value as string;
      }),
    );
    // Each worker reserves at most its concurrency (2): four tasks at once need both.
    expect(new Set(workers)).toEqual(new Set(['airflow-worker-1', 'airflow-worker-2']));
  }, 300_000);
});
