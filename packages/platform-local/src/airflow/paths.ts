import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';

export const NAME = 'airflow';
/** The test-DAG bundle's folder, under the component's state dir. */
export const TEST_DAGS_DIR = 'test-dags';

/** Where the Airflow installation and this component's files are. */
export function airflowPaths(ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir' | 'logDir'>) {
  return {
    airflow: join(ctx.workspaceRoot, '.venv', 'bin', 'airflow'),
    dags: join(ctx.workspaceRoot, 'apps', 'airflow-dags', 'dags'),
    /** The learner's own DAGs (lab/README.md), a bundle of its own so they show apart. */
    labDags: join(ctx.workspaceRoot, 'lab', 'dags'),
    /** DAGs that tests copy in (the SDK's test DAGs); never shipped, never in the repo's folder. */
    testDags: join(ctx.dir, TEST_DAGS_DIR),
    /** Airflow plugins: datapark_dbt_docs serves dbt docs behind Airflow's login at /dbt-docs/. */
    plugins: join(ctx.workspaceRoot, 'apps', 'airflow-dags', 'plugins'),
    sparkJobs: join(ctx.workspaceRoot, 'apps', 'spark-jobs', 'jobs'),
    /** AIRFLOW_HOME: airflow.cfg (as Airflow writes it), the auth manager's passwords. */
    home: ctx.dir,
    secrets: join(ctx.dir, 'secrets.json'),
    passwords: join(ctx.dir, 'simple_auth_manager_passwords.json.generated'),
    /** Every setting and connection as KEY='value' lines (0600), read by `bin/airflow`. */
    envFile: join(ctx.dir, 'airflow.env'),
    /** `airflow` with this platform's settings: `.datapark/airflow/bin/airflow dags list`. */
    cli: join(ctx.dir, 'bin', 'airflow'),
    pids: join(ctx.dir, 'pids'),
    /** The alembic revision last migrated to, so a warm `up` skips `airflow db migrate`. */
    migratedStamp: join(ctx.dir, 'migrated-revision'),
    /** The executor the running processes were started with. */
    executorStamp: join(ctx.dir, 'executor'),
    taskLogs: join(ctx.logDir, 'airflow'),
  };
}
