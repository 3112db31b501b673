import { AirflowClient, DagRunFailedError } from '@datapark/airflow-client';
import { loadConfig } from '@datapark/config';
import { SparkRestClient } from '@datapark/spark-client';

const config = loadConfig();
const spark = SparkRestClient.fromConfig(config);
const airflow = AirflowClient.fromConfig(config);
const DAG = 'datapark_lake_maintenance';

interface TableResult {
  readonly snapshots_before: number;
  readonly snapshots_after: number;
  readonly rewrite_data_files: { readonly rewritten_data_files_count: number };
  readonly expire_snapshots: { readonly deleted_data_files_count: number };
  readonly orphan_files_removed: number;
}

describe('the lake maintenance DAG in the platform’s Airflow, on the real cluster, catalog and object store', () => {
  it('compacts every lake table and expires its snapshots down to the last one kept', async () => {
    const started = Date.now();
    // triggerAndWait unpauses the DAG; its trigger timetable then waits for next Sunday, so no
    // scheduled run starts beside this one.
    const { dagRun, taskInstances } = await airflow.triggerAndWait(DAG, {
      conf: { retain_last: 1, expire_older_than: new Date().toISOString() },
      timeoutMs: 900_000,
    });
    console.info(`${DAG}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(taskInstances.map((t) => [t.task_id, t.state]).sort()).toEqual([
      ['submit_maintenance', 'success'],
      ['wait_for_maintenance', 'success'],
    ]);
    const scheduled = await airflow.dagRuns.list(DAG, { run_type: ['scheduled'] }).toArray();
    expect(scheduled.map((r) => r.dag_run_id)).toEqual([]);
    const { next_dagrun_run_after: next } = await airflow.dags.get(DAG);
    expect(new Date(next!).getTime()).toBeGreaterThan(Date.now());

    // The driver the DAG submitted, and what it printed.
    const { value: submissionId } = await airflow.xcoms.get(
      { dagId: DAG, dagRunId: dagRun.dag_run_id, taskId: 'submit_maintenance' },
      'return_value',
      { deserialize: true },
    );
    expect(submissionId).toMatch(/^driver-/);
    const { stdout } = (await spark.driverOutput(String(submissionId)))!;
    const line = stdout.split('\n').find((l) => l.startsWith('lake_maintenance {'));
    expect(line).toBeDefined();
    const results = JSON.parse(line!.slice('lake_maintenance '.length)) as Record<
      string,
      TableResult
    >;
    const daily = [
      'lake.bronze.order_events',
      'lake.gold.daily_sales',
      'lake.silver.order_items',
      'lake.silver.orders',
    ];
    // The streaming archive once its job has created it (the bronze test may run before or after).
    expect(Object.keys(results).filter((t) => !daily.includes(t))).toEqual(
      Object.keys(results).includes('lake.bronze.kafka_events') ? ['lake.bronze.kafka_events'] : [],
    );
    for (const table of daily) expect(Object.keys(results)).toContain(table);
    for (const [table, result] of Object.entries(results)) {
      // Every snapshot older than the run's start went but the last; a table with none (an
      // archive created, nothing appended yet) keeps none.
      expect([table, result.snapshots_after]).toEqual([
        table,
        Math.min(1, result.snapshots_before),
      ]);
      expect(result.rewrite_data_files.rewritten_data_files_count).toBeGreaterThanOrEqual(0);
      expect(result.expire_snapshots.deleted_data_files_count).toBeGreaterThanOrEqual(0);
    }
  }, 1_000_000);

  it('refuses an expire_older_than without a zone before anything reaches Spark', async () => {
    const error = await airflow
      .triggerAndWait(DAG, {
        conf: { expire_older_than: '2026-12-01 00:00' },
        pollMs: 1000,
        timeoutMs: 300_000,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(DagRunFailedError);
    const { failedTasks } = error as DagRunFailedError;
    expect(failedTasks.map((t) => t.taskInstance.task_id)).toEqual(['submit_maintenance']);
    // AirflowFailException: failed at the first try, no retry, and the reason in its log.
    expect(failedTasks[0]!.taskInstance.try_number).toBe(1);
    expect(failedTasks[0]!.log).toContain(
      "expire_older_than = '2026-12-01 00:00' is not an ISO instant with a zone",
    );
  }, 400_000);
});
