/**
 * Triggers a DAG through the platform's Airflow and waits for its run to end: unpauses it
 * (DAGs start paused), follows the run's state and prints each task's. A failed run prints the
 * failed tasks' logs.
 *
 *   node lab/scripts/trigger-dag.ts lab_first_dag
 *   node lab/scripts/trigger-dag.ts lab_lesson_05 --logical-date 2026-12-05T00:00:00Z
 *
 * Without --logical-date the run has none (a manual run's default in Airflow 3): a DAG that
 * reads its logical date needs one. Your DAGs are in lab/dags: Airflow's `lab` bundle lists a
 * new file within about 10 s.
 */
import { parseArgs } from 'node:util';
import { AirflowClient, AirflowClientError } from '@datapark/airflow-client';
import { DataparkError, loadConfig } from '@datapark/config';

const USAGE =
  'usage: node lab/scripts/trigger-dag.ts <dag_id> [--logical-date 2026-12-05T00:00:00Z]';
const parse = () =>
  parseArgs({ allowPositionals: true, options: { 'logical-date': { type: 'string' } } });
let args: ReturnType<typeof parse>;
try {
  args = parse();
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`); // an unknown option
  process.exit(2);
}
const dagId = args.positionals[0];
const logicalDate = args.values['logical-date'];
if (!dagId || (logicalDate !== undefined && Number.isNaN(Date.parse(logicalDate)))) {
  console.error(logicalDate && dagId ? `not a date: ${logicalDate}\n${USAGE}` : USAGE);
  process.exit(2);
}
const seen = new Map<string, string>();
try {
  const config = loadConfig();
  const airflow = AirflowClient.fromConfig(config);
  const done = await airflow.triggerAndWait(dagId, {
    ...(logicalDate ? { logicalDate: new Date(logicalDate) } : {}),
    timeoutMs: 10 * 60_000,
    onProgress: (p) => {
      if (p.kind === 'triggered')
        console.log(
          `triggered ${dagId}: run ${p.dagRun.dag_run_id}` +
            (p.dagRun.logical_date ? `, logical date ${p.dagRun.logical_date}` : ''),
        );
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
