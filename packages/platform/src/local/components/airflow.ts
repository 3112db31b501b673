import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import type { DataparkConfig } from '@datapark/config';
import { postgresUrl } from '@datapark/config';
import { PlatformError, PrerequisiteError } from '../../errors.js';
import type {
  ComponentContext,
  ComponentStatus,
  LocalComponent,
  UnitStatus,
} from '../component.js';
import { runningPid, startDaemon, stopDaemon } from '../daemon.js';
import { assertPortFree } from '../ports.js';
import { generateSecret } from '../secrets.js';
import { waitUntil } from '../wait-until.js';

const NAME = 'airflow';
/** Celery pool processes: tasks mostly wait on Spark and PostgreSQL, two cores are shared. */
const WORKER_CONCURRENCY = 3;
/** The worker's and the triggerer's log servers sit right above the api-server's port. */
const WORKER_LOG_PORT_OFFSET = 13;
const TRIGGERER_LOG_PORT_OFFSET = 14;

/** How tasks run: Celery workers fed through Redis (the default), or inside the scheduler. */
export type AirflowExecutor = 'celery' | 'local';

/** The executor chosen with DATAPARK_AIRFLOW_EXECUTOR (`celery` unless it says `local`). */
export function airflowExecutor(env: NodeJS.ProcessEnv = process.env): AirflowExecutor {
  const value = (env['DATAPARK_AIRFLOW_EXECUTOR'] ?? 'celery').trim().toLowerCase();
  if (value === 'celery' || value === 'local') return value;
  throw new PlatformError(
    `DATAPARK_AIRFLOW_EXECUTOR = "${value}" is not an executor Data Park runs`,
    NAME,
    'set DATAPARK_AIRFLOW_EXECUTOR to celery (api-server, scheduler, dag-processor, triggerer and a Celery worker) or local (no worker), or unset it',
  );
}

/** The secrets every Airflow process must share, generated once into `secrets.json` (0600). */
interface AirflowSecrets {
  readonly fernetKey: string;
  readonly jwtSecret: string;
  readonly apiSecretKey: string;
}

/** Where the Airflow installation and this component's files are. */
export function airflowPaths(ctx: Pick<ComponentContext, 'workspaceRoot' | 'dir' | 'logDir'>) {
  return {
    airflow: join(ctx.workspaceRoot, '.venv', 'bin', 'airflow'),
    dags: join(ctx.workspaceRoot, 'apps', 'airflow-dags', 'dags'),
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

/** A Fernet key: 32 random bytes in URL-safe base64 with padding, as `cryptography` wants it. */
function fernetKey(): string {
  return randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** 64 random bytes: the api-server signs tokens with HS512, which wants a key that long. */
const jwtSecret = () => randomBytes(64).toString('base64url');

/**
 * The shared secrets, generated on first use. A JWT secret from before it was 64 bytes is
 * replaced when `rotate` says no process runs (they must all share one).
 */
function loadSecrets(file: string, rotate: boolean): AirflowSecrets {
  if (existsSync(file)) {
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as AirflowSecrets;
    if (!rotate || Buffer.from(secrets.jwtSecret, 'base64url').length >= 64) return secrets;
    const rotated = { ...secrets, jwtSecret: jwtSecret() };
    writeFileSync(file, JSON.stringify(rotated, null, 2) + '\n', { mode: 0o600 });
    return rotated;
  }
  const secrets: AirflowSecrets = {
    fernetKey: fernetKey(),
    jwtSecret: jwtSecret(),
    apiSecretKey: generateSecret(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}

/**
 * The connections the DAGs use, as AIRFLOW_CONN_* variables in Airflow's JSON form: one per
 * PostgreSQL role a DAG needs, the Spark REST submission server and Kafka. They follow
 * @datapark/config at every start, so a moved port or a new password reaches the DAGs.
 */
export function airflowConnections(
  config: DataparkConfig,
  paths: { sparkJobs: string; stateDir: string },
): Record<string, string> {
  const postgres = (role: 'airflow' | 'spark_etl') => ({
    conn_type: 'postgres',
    host: config.postgres.host,
    port: config.postgres.port,
    schema: config.postgres.database,
    login: config.postgres.roles[role].user,
    password: config.postgres.roles[role].password,
  });
  const rest = new URL(config.spark.restUrl);
  return {
    AIRFLOW_CONN_DATAPARK_POSTGRES: JSON.stringify(postgres('airflow')),
    AIRFLOW_CONN_DATAPARK_SPARK_ETL: JSON.stringify(postgres('spark_etl')),
    AIRFLOW_CONN_DATAPARK_SPARK_REST: JSON.stringify({
      conn_type: 'http',
      host: rest.hostname,
      port: Number(rest.port),
      schema: rest.protocol.replace(':', ''),
      // The key the DAGs sign REST requests with; Airflow masks connection passwords in logs.
      ...(config.spark.restSecret ? { password: config.spark.restSecret } : {}),
      extra: {
        master_url: config.spark.masterUrl,
        ...(config.spark.connectorJars ? { connector_jars: config.spark.connectorJars } : {}),
        jobs_dir: paths.sparkJobs,
        // Jobs read Kafka from the endpoints file; the streaming job checkpoints here.
        state_dir: paths.stateDir,
        checkpoint_dir: join(paths.stateDir, 'spark', 'checkpoints'),
      },
    }),
    AIRFLOW_CONN_DATAPARK_KAFKA: JSON.stringify({
      conn_type: 'kafka',
      // librdkafka's form: one comma-separated string.
      extra: {
        'bootstrap.servers': config.kafka.bootstrapServers.join(','),
        'group.id': 'airflow',
      },
    }),
  };
}

/** postgres:// → the SQLAlchemy URL of the psycopg2 driver Airflow's lock carries. */
function sqlAlchemyUrl(config: DataparkConfig): string {
  return postgresUrl(config, 'airflow', config.postgres.airflowDatabase).replace(
    /^postgres:/,
    'postgresql+psycopg2:',
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
    // No telemetry or update checks from a learner's laptop.
    SCARF_ANALYTICS: 'false',
    DO_NOT_TRACK: 'true',
    PYTHONUNBUFFERED: '1',
    ...airflowConnections(config, { sparkJobs: p.sparkJobs, stateDir: ctx.stateDir }),
  };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** What `/api/v2/monitor/health` says about each part of Airflow. */
export type AirflowHealth = Record<string, { status: string | null } | undefined>;

/** The api-server's health document (no authentication needed). */
export async function airflowHealth(url: string): Promise<AirflowHealth> {
  const response = await fetch(new URL('/api/v2/monitor/health', url), {
    signal: AbortSignal.timeout(3000),
  });
  if (!response.ok) throw new Error(`${url}/api/v2/monitor/health: HTTP ${response.status}`);
  return (await response.json()) as AirflowHealth;
}

const HEALTH_PARTS = ['metadatabase', 'scheduler', 'triggerer', 'dag_processor'] as const;

/** The parts of Airflow that are not healthy (empty when all are). */
export function unhealthyParts(health: AirflowHealth): string[] {
  return HEALTH_PARTS.filter((part) => health[part]?.status !== 'healthy').map(
    (part) => `${part}: ${health[part]?.status ?? 'missing'}`,
  );
}

interface AirflowUnit {
  readonly unit: string;
  readonly args: readonly string[];
  /** Only with the Celery executor. */
  readonly celeryOnly?: boolean;
}

const UNITS: readonly AirflowUnit[] = [
  { unit: 'airflow-api-server', args: ['api-server'] },
  { unit: 'airflow-scheduler', args: ['scheduler'] },
  { unit: 'airflow-dag-processor', args: ['dag-processor'] },
  // The worker's and the triggerer's log servers bind every interface, with no setting to
  // narrow it (airflow/utils/serve_logs/core.py: host=""). All processes share one log folder
  // here, so the api-server reads task logs from the files and the log servers stay off.
  { unit: 'airflow-triggerer', args: ['triggerer', '--skip-serve-logs'] },
  {
    unit: 'airflow-worker',
    // One worker named after the platform; gossip and mingle only matter between many workers
    // and cost seconds at start.
    args: [
      'celery',
      'worker',
      '--celery-hostname',
      'datapark@%h',
      '--without-gossip',
      '--without-mingle',
      '--skip-serve-logs',
    ],
    celeryOnly: true,
  },
];

/**
 * Apache Airflow 3 from the project venv as separate processes: api-server (UI, REST API v2,
 * execution API), scheduler, dag-processor, triggerer and a Celery worker fed through Redis.
 * Metadata in the `airflow` PostgreSQL database as the `airflow` role; DAGs from
 * apps/airflow-dags/dags; the simple auth manager with a generated password.
 */
export function airflowComponent(): LocalComponent {
  const paths = airflowPaths;
  const pidFile = (ctx: ComponentContext, unit: string) => join(paths(ctx).pids, `${unit}.pid`);
  const logFile = (ctx: ComponentContext, unit: string) => join(ctx.logDir, `${unit}.log`);
  const activeUnits = (executor: AirflowExecutor) =>
    UNITS.filter((u) => !u.celeryOnly || executor === 'celery');
  /** The executor Airflow was last started with (status must not depend on the caller's env). */
  const startedExecutor = (ctx: ComponentContext): AirflowExecutor => {
    const stamp = paths(ctx).executorStamp;
    if (!existsSync(stamp)) return airflowExecutor();
    return readFileSync(stamp, 'utf8').trim() === 'local' ? 'local' : 'celery';
  };

  /**
   * Writes the settings, the passwords file and the CLI wrapper; returns the environment.
   * Rewritten at every start so they follow @datapark/config.
   */
  const prepare = (ctx: ComponentContext, nothingRuns = false): Record<string, string> => {
    const p = paths(ctx);
    mkdirSync(p.pids, { recursive: true });
    mkdirSync(join(ctx.dir, 'bin'), { recursive: true });
    mkdirSync(p.taskLogs, { recursive: true });
    // A fresh clone has the folder once the DAGs land; Airflow must not fail before.
    mkdirSync(p.dags, { recursive: true });
    chmodSync(ctx.dir, 0o700);
    const env = airflowEnvironment(ctx, airflowExecutor(), loadSecrets(p.secrets, nothingRuns));
    const password = ctx.config.airflow.password;
    if (!password) throw new PlatformError('no Airflow password was generated', NAME, 'run up');
    // The simple auth manager reads this file (and would invent admin's password without it).
    writeFileSync(
      p.passwords,
      JSON.stringify({ [ctx.config.airflow.username]: password }, null, 2) + '\n',
      { mode: 0o600 },
    );
    writeFileSync(
      p.envFile,
      Object.entries(env)
        .map(([key, value]) => `${key}=${shellQuote(value)}`)
        .join('\n') + '\n',
      { mode: 0o600 },
    );
    writeFileSync(
      p.cli,
      [
        '#!/bin/sh',
        "# The airflow CLI with the local platform's settings (written at every `up`).",
        `set -a; . ${shellQuote(p.envFile)}; set +a`,
        `exec ${shellQuote(p.airflow)} "$@"`,
        '',
      ].join('\n'),
      { mode: 0o700 },
    );
    return env;
  };

  const processEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
    ...process.env,
    ...env,
  });

  /** The alembic revision the `airflow` database is at (undefined before the first migrate). */
  const databaseRevision = async (ctx: ComponentContext): Promise<string | undefined> => {
    const client = new pg.Client({
      connectionString: postgresUrl(ctx.config, 'airflow', ctx.config.postgres.airflowDatabase),
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      const result = await client.query<{ version_num: string }>(
        "SELECT version_num FROM alembic_version WHERE to_regclass('public.alembic_version') IS NOT NULL",
      );
      return result.rows[0]?.version_num;
    } catch {
      return undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  /**
   * `airflow db migrate`, skipped when the database is at the revision our last migrate left
   * (it is idempotent, but costs ~15 s of imports on every `up`). A new Airflow version changes
   * the venv, and the stamp names it, so an upgrade migrates.
   */
  const migrate = async (ctx: ComponentContext, env: Record<string, string>): Promise<void> => {
    const p = paths(ctx);
    const version = statSync(p.airflow).mtimeMs.toFixed(0);
    const revision = await databaseRevision(ctx);
    const stamp = existsSync(p.migratedStamp) ? readFileSync(p.migratedStamp, 'utf8').trim() : '';
    if (revision && stamp === `${version} ${revision}`) return;
    ctx.reporter.step(NAME, 'migrating the metadata database (airflow db migrate)');
    const result = await execa(p.airflow, ['db', 'migrate'], {
      env: processEnv(env),
      reject: false,
      all: true,
      cwd: ctx.dir,
    });
    if (result.exitCode !== 0) {
      throw new PlatformError(
        `airflow db migrate failed:\n${String(result.all).split('\n').slice(-25).join('\n')}`,
        NAME,
        `check that PostgreSQL is up (npx nx run platform:up -- --only postgres) and see ${ctx.logDir}`,
      );
    }
    const after = await databaseRevision(ctx);
    if (after) writeFileSync(p.migratedStamp, `${version} ${after}\n`);
  };

  const startUnit = (ctx: ComponentContext, spec: AirflowUnit, env: Record<string, string>) => {
    if (runningPid(pidFile(ctx, spec.unit))) return false;
    ctx.reporter.step(NAME, `starting ${spec.unit}`);
    startDaemon({
      command: paths(ctx).airflow,
      args: spec.args,
      pidFile: pidFile(ctx, spec.unit),
      logFile: logFile(ctx, spec.unit),
      cwd: ctx.dir,
      env: processEnv(env),
      // Airflow's daemons exit when the metadata database goes away (a PostgreSQL restart);
      // the supervisor brings them back, as Kubernetes would restart their pods.
      restart: 'on-failure',
    });
    return true;
  };

  /** True when the Celery worker has said `ready` in its log since `offset`. */
  const workerReady = (ctx: ComponentContext, offset: number): boolean => {
    const file = logFile(ctx, 'airflow-worker');
    if (!existsSync(file)) return false;
    return readFileSync(file).subarray(offset).toString('utf8').includes(' ready.');
  };

  const healthy = async (ctx: ComponentContext): Promise<boolean> => {
    const bad = unhealthyParts(await airflowHealth(ctx.config.airflow.url));
    if (bad.length > 0) throw new Error(bad.join(', '));
    return true;
  };

  return {
    name: NAME,
    description:
      'Apache Airflow 3 (project venv): api-server, scheduler, dag-processor, triggerer, Celery worker',
    dependsOn: ['postgres', 'redis', 'spark'],
    units: UNITS.map((u) => u.unit),

    async checkPrerequisites(ctx) {
      airflowExecutor();
      if (!existsSync(paths(ctx).airflow)) {
        throw new PrerequisiteError(
          'apache-airflow is not installed in the project venv',
          NAME,
          'bash tools/ci/python.sh',
        );
      }
    },

    async start(ctx) {
      if (!ctx.config.airflow.password) ctx.publish({ airflow: { password: generateSecret() } });
      ctx.publish({
        airflow: { url: ctx.config.airflow.url, username: ctx.config.airflow.username },
      });
      const executor = airflowExecutor();
      const running = UNITS.filter((u) => runningPid(pidFile(ctx, u.unit)));
      const p = paths(ctx);
      // Without a stamp (a platform from before it), a running worker means Celery.
      const runningWith = existsSync(p.executorStamp)
        ? readFileSync(p.executorStamp, 'utf8').trim()
        : running.some((u) => u.celeryOnly)
          ? 'celery'
          : executor;
      if (running.length > 0 && runningWith !== executor) {
        // The scheduler's executor is fixed at its start: half a switch would leave tasks queued.
        throw new PlatformError(
          `Airflow is running with the ${runningWith} executor, not ${executor}`,
          NAME,
          'stop it first (node apps/datapark-cli/dist/cli.js stop airflow), then run up again',
        );
      }
      const env = prepare(ctx, running.length === 0);
      writeFileSync(p.executorStamp, `${executor}\n`);
      const units = activeUnits(executor);
      const api = new URL(ctx.config.airflow.url);
      if (!runningPid(pidFile(ctx, 'airflow-api-server'))) {
        await assertPortFree(NAME, api.hostname, Number(api.port), 'DATAPARK_AIRFLOW_URL');
      }
      await migrate(ctx, env);
      const workerLog = logFile(ctx, 'airflow-worker');
      const workerOffset = existsSync(workerLog) ? statSync(workerLog).size : 0;
      const startedUnits = units.filter((spec) => startUnit(ctx, spec, env)).map((u) => u.unit);
      if (startedUnits.length === 0) ctx.reporter.step(NAME, 'every process already running');
      const fix = `see ${ctx.logDir}/airflow-*.log (npx nx run platform:logs -- airflow)`;
      await waitUntil(() => healthy(ctx), {
        component: NAME,
        what: 'the api-server to report metadatabase, scheduler, triggerer and dag-processor healthy',
        timeoutMs: 240_000,
        intervalMs: 1000,
        reporter: ctx.reporter,
        fix,
      });
      if (startedUnits.includes('airflow-worker')) {
        // Celery prints `celery@<host> ready.` once it consumes from Redis.
        await waitUntil(
          async () => {
            if (!runningPid(pidFile(ctx, 'airflow-worker'))) throw new Error('the worker exited');
            return workerReady(ctx, workerOffset);
          },
          {
            component: NAME,
            what: 'the Celery worker to connect to Redis',
            timeoutMs: 120_000,
            intervalMs: 500,
            reporter: ctx.reporter,
            fix,
          },
        );
      }
    },

    async stop(ctx) {
      // Together: each shuts down on its own (the worker lets running tasks finish first).
      await Promise.all(UNITS.map((spec) => stopDaemon(pidFile(ctx, spec.unit), 30_000)));
    },

    async startUnit(ctx, unit) {
      const spec = UNITS.find((u) => u.unit === unit);
      if (!spec)
        throw new PlatformError(
          `unknown Airflow unit ${unit}`,
          NAME,
          `use one of ${UNITS.map((u) => u.unit).join(', ')}`,
        );
      startUnit(ctx, spec, prepare(ctx));
    },

    async stopUnit(ctx, unit) {
      await stopDaemon(pidFile(ctx, unit), 30_000);
    },

    async status(ctx): Promise<ComponentStatus> {
      const units = activeUnits(startedExecutor(ctx));
      const states: UnitStatus[] = units.map((u) => {
        const pid = runningPid(pidFile(ctx, u.unit));
        return { name: u.unit, state: pid ? 'running' : 'stopped', ...(pid ? { pid } : {}) };
      });
      let detail: string | undefined;
      const ok = states.some((s) => s.pid)
        ? await healthy(ctx).catch((error: unknown) => {
            detail = error instanceof Error ? error.message : String(error);
            return false;
          })
        : false;
      const running = states.filter((s) => s.state === 'running').length;
      return {
        component: NAME,
        state: running === 0 ? 'stopped' : ok && running === units.length ? 'running' : 'degraded',
        endpoint: ctx.config.airflow.url,
        units: states,
        ...(running > 0 && detail ? { detail } : {}),
      };
    },

    logFiles(ctx) {
      return UNITS.map((u) => logFile(ctx, u.unit));
    },

    /**
     * Drops the metadata database: its connections and variables are encrypted with the Fernet
     * key that `down --purge` deletes with this directory. The next `up` creates it again.
     */
    async purge(ctx) {
      let client: pg.Client;
      try {
        client = new pg.Client({
          connectionString: postgresUrl(ctx.config, 'admin', 'postgres'),
          connectionTimeoutMillis: 3000,
        });
        await client.connect();
      } catch {
        return; // PostgreSQL is down or was never set up: a full purge deletes its data anyway.
      }
      try {
        const db = client.escapeIdentifier(ctx.config.postgres.airflowDatabase);
        await client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}
