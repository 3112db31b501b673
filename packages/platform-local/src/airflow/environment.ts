import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataparkConfig } from '@datapark/config';
import { postgresUrl } from '@datapark/config';
import type { ComponentContext } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { airflowConnections } from './connections.js';
import { monitoringAddresses } from '../monitoring/addresses.js';
import type { AirflowExecutor } from './executor.js';
import { airflowPaths, NAME } from './paths.js';
import type { AirflowSecrets } from './secrets.js';

/**
 * Pool processes per Celery worker (two workers, as the seed and the chart run): tasks mostly
 * wait on Spark and PostgreSQL, and two cores are shared.
 */
const WORKER_CONCURRENCY = 2;
/** The worker's and the triggerer's log servers sit right above the api-server's port. */
const WORKER_LOG_PORT_OFFSET = 13;
const TRIGGERER_LOG_PORT_OFFSET = 14;

/** postgres:// → the SQLAlchemy URL of the psycopg2 driver Airflow's lock carries. */
function sqlAlchemyUrl(config: DataparkConfig): string {
  return postgresUrl(config, 'airflow', config.postgres.airflowDatabase).replace(
    /^postgres:/,
    'postgresql+psycopg2:',
  );
}

/**
 * Airflow's metrics as StatsD to the monitoring component's statsd_exporter, which Prometheus
 * scrapes. StatsD rather than OpenTelemetry: this Prometheus (2.42) cannot receive OTLP and an
 * OpenTelemetry collector would be one more large build; the official Airflow chart does the
 * same. Only when the venv has the `statsd` client (Airflow imports it and fails without it), so
 * an older venv still starts Airflow, without metrics.
 */
function statsdSettings(
  ctx: Pick<ComponentContext, 'workspaceRoot' | 'config'>,
): Record<string, string> {
  if (!hasStatsdClient(ctx.workspaceRoot)) return {};
  const statsd = monitoringAddresses(ctx.config).statsd;
  return {
    AIRFLOW__METRICS__STATSD_ON: 'True',
    AIRFLOW__METRICS__STATSD_HOST: statsd.host,
    AIRFLOW__METRICS__STATSD_PORT: String(statsd.port),
    AIRFLOW__METRICS__STATSD_PREFIX: 'airflow',
  };
}

/** True when the project venv has the `statsd` package (tools/python/requirements.lock). */
export function hasStatsdClient(workspaceRoot: string): boolean {
  const lib = join(workspaceRoot, '.venv', 'lib');
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((python) =>
    existsSync(join(lib, python, 'site-packages', 'statsd', '__init__.py')),
  );
}

/**
 * Every setting as AIRFLOW__* variables (they beat airflow.cfg), identical for every process:
 * one JWT secret, one Fernet key, the execution API at the api-server's real port.
 */
export function airflowEnvironment(
  ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir' | 'logDir' | 'config' | 'stateDir'>,
  executor: AirflowExecutor,
  secrets: AirflowSecrets,
): Record<string, string> {
  const p = airflowPaths(ctx);
  const api = new URL(ctx.config.airflow.url);
  const apiPort = Number(api.port || 80);
  const { config } = ctx;
  if (!config.redis.password) throw new PlatformError('Redis has no password yet', NAME, 'run up');
  const redis = `redis://:${encodeURIComponent(config.redis.password)}@${config.redis.host}:${config.redis.port}/0`;
  return {
    AIRFLOW_HOME: p.home,
    DATAPARK_STATE_DIR: ctx.stateDir,
    AIRFLOW__CORE__EXECUTOR: executor === 'celery' ? 'CeleryExecutor' : 'LocalExecutor',
    AIRFLOW__CORE__DAGS_FOLDER: p.dags,
    AIRFLOW__CORE__PLUGINS_FOLDER: p.plugins,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__FERNET_KEY: secrets.fernetKey,
    AIRFLOW__CORE__PARALLELISM: '8',
    AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG: '4',
    AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: 'True',
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: new URL('/execution/', api).toString(),
    AIRFLOW__CORE__AUTH_MANAGER:
      'airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${config.airflow.username}:admin`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: p.passwords,
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: sqlAlchemyUrl(config),
    AIRFLOW__DATABASE__SQL_ALCHEMY_POOL_SIZE: '3',
    AIRFLOW__DATABASE__SQL_ALCHEMY_MAX_OVERFLOW: '5',
    AIRFLOW__API__HOST: api.hostname,
    AIRFLOW__API__PORT: String(apiPort),
    AIRFLOW__API__BASE_URL: ctx.config.airflow.url,
    AIRFLOW__API__WORKERS: '1',
    AIRFLOW__API__SECRET_KEY: secrets.apiSecretKey,
    AIRFLOW__API__EXPOSE_CONFIG: 'False',
    AIRFLOW__API_AUTH__JWT_SECRET: secrets.jwtSecret,
    // A new DAG file is listed within 10 s and a changed one re-parsed within 10 s, so a test
    // (or a learner) sees it without waiting five minutes.
    AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL: '10',
    AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL: '10',
    AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES: '1',
    AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST: dagBundles(p),
    AIRFLOW__DAG_PROCESSOR__PRINT_STATS_INTERVAL: '300',
    AIRFLOW__LOGGING__BASE_LOG_FOLDER: p.taskLogs,
    AIRFLOW__LOGGING__DAG_PROCESSOR_CHILD_PROCESS_LOG_DIRECTORY: join(p.taskLogs, 'dag-processor'),
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(apiPort + WORKER_LOG_PORT_OFFSET),
    AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT: String(apiPort + TRIGGERER_LOG_PORT_OFFSET),
    AIRFLOW__CELERY__BROKER_URL: redis,
    AIRFLOW__CELERY__RESULT_BACKEND: `db+${sqlAlchemyUrl(config).replace('+psycopg2', '')}`,
    AIRFLOW__CELERY__WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    // A running task talks to the execution API on the api-server: ride out a restart of it
    // (40-70 s here) instead of failing after the default ~15 s (retries 1+2+4+...+64 s wait,
    // 24 missed heartbeats of 5 s).
    AIRFLOW__WORKERS__EXECUTION_API_RETRIES: '8',
    AIRFLOW__WORKERS__MAX_FAILED_HEARTBEATS: '24',
    AIRFLOW__TRIGGERER__CAPACITY: '100',
    ...statsdSettings(ctx),
    // No telemetry or update checks from a learner's laptop.
    SCARF_ANALYTICS: 'false',
    DO_NOT_TRACK: 'true',
    PYTHONUNBUFFERED: '1',
    ...airflowConnections(config, { sparkJobs: p.sparkJobs, stateDir: ctx.stateDir }),
  };
}

/**
 * Three local bundles: the platform's DAGs (the name Airflow gives its default bundle, so
 * existing runs keep their bundle), the learner's lab/dags, and the folder tests copy their
 * DAGs into, which keeps test DAGs out of the platform's folder and out of the chart.
 */
export function dagBundles(
  p: Pick<ReturnType<typeof airflowPaths>, 'dags' | 'labDags' | 'testDags'>,
) {
  const local = (name: string, path: string) => ({
    name,
    classpath: 'airflow.dag_processing.bundles.local.LocalDagBundle',
    kwargs: { path },
  });
  return JSON.stringify([
    local('dags-folder', p.dags),
    local('lab', p.labDags),
    local('test-dags', p.testDags),
  ]);
}
