/**
 * Triggers a DAG through the platform's Airflow and waits for its run to end: unpauses it
 * (DAGs start paused), follows the run's state and prints each task's. A failed run prints the
 * failed tasks' logs.
 *
 *   node lab/scripts/trigger-dag.ts lab_first_dag
 *
 * Your DAGs are in lab/dags: Airflow's `lab` bundle lists a new file within about 10 s.
 */
import { AirflowClient, AirflowClientError } from '@datapark/airflow-client';
import { DataparkError, loadConfig } from '@datapark/config';

const dagId = process.argv[2];
if (!dagId) {
  console.error('usage: node lab/scripts/trigger-dag.ts <dag_id>');
  process.exit(2);
}
const seen = new Map<string, string>();
try {
  const config = loadConfig();
  const airflow = AirflowClient.fromConfig(config);
  const done = await airflow.triggerAndWait(dagId, {
    timeoutMs: 10 * 60_000,
    onProgress: (p) => {
      if (p.kind === 'triggered') console.log(`triggered ${dagId}: run ${p.dagRun.dag_run_id}`);
      if (p.kind !== 'progress') return;
      for (const ti of p.taskInstances) {
        if (!ti.state || seen.get(ti.task_id) === ti.state) continue; // not yet scheduled, or no news
        console.log(`  ${ti.task_id}: ${ti.state}`);
        seen.set(ti.task_id, ti.state);
      }
    },
  });
  console.log(
    `${dagId}: ${done.dagRun.state} in ${(done.elapsedMs / 1000).toFixed(1)} s, ${config.airflow.url}/dags/${dagId}`,
  );
} catch (error) {
  // A failed run (with its failed tasks' logs), an unknown DAG, Airflow unreachable, no
  // platform found: the message says what happened.
  if (!(error instanceof AirflowClientError || error instanceof DataparkError)) throw error;
  console.error(error.message);
  // What to do about it, where the error knows (e.g. a new DAG file is parsed within seconds).
  if (error.hint) console.error(error.hint);
  process.exitCode = 1;
}
