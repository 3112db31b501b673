import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { restAuthorization } from '@datapark/spark-client';
import { PlatformError, PrerequisiteError } from '../../errors.js';
import type {
  ComponentContext,
  ComponentStatus,
  LocalComponent,
  UnitStatus,
} from '../component.js';
import { runningPid, startDaemon, stopDaemon } from '../daemon.js';
import { assertPortFree } from '../ports.js';
import { requireExecutable } from '../prerequisites.js';
import { waitUntil } from '../wait-until.js';

const NAME = 'spark';
const WORKERS = [1, 2] as const;
/** Worker web UIs sit right above the master's. */
const WORKER_UI_OFFSET = 1;

interface SparkUnit {
  readonly unit: string;
  readonly mainClass: string;
  readonly args: (ctx: ComponentContext) => string[];
}

/** Where the pyspark wheel is: its jars and bin/spark-class are the Spark distribution we run. */
export function sparkHome(workspaceRoot: string): string | undefined {
  const lib = join(workspaceRoot, '.venv', 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib).filter((d) => d.startsWith('python'))) {
    const home = join(lib, python, 'site-packages', 'pyspark');
    if (existsSync(join(home, 'bin', 'spark-class'))) return home;
  }
  return undefined;
}

function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url.replace(/^spark:/, 'http:'));
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/**
 * The settings every Spark process reads (SPARK_CONF_DIR/spark-defaults.conf, mode 0600): REST
 * submission on and signed (JWSFilter), event logs for the history server, the connector jars on
 * every classpath, small memory.
 */
function sparkDefaults(ctx: ComponentContext): string {
  const rest = hostPort(ctx.config.spark.restUrl);
  const history = hostPort(ctx.config.spark.historyUrl);
  const python = join(ctx.workspaceRoot, '.venv', 'bin', 'python');
  const jars = `${join(ctx.workspaceRoot, '.tools', 'jars', 'spark')}/*`;
  const events = `file://${join(ctx.dir, 'events')}`;
  return [
    '# Written by the Data Park local platform.',
    `spark.master ${ctx.config.spark.masterUrl}`,
    'spark.master.rest.enabled true',
    `spark.master.rest.host ${rest.host}`,
    `spark.master.rest.port ${rest.port}`,
    // The REST server runs any code for whoever reaches it: only requests signed with this key
    // pass (Spark 4's JWSFilter). Spark redacts the key in UIs and event logs, as it does every
    // key whose name holds "secret" (spark.redaction.regex).
    'spark.master.rest.filters org.apache.spark.ui.JWSFilter',
    `spark.org.apache.spark.ui.JWSFilter.param.secretKey ${ctx.config.spark.restSecret}`,
    // Drivers (client mode here, cluster mode on a worker) and their block managers listen on
    // loopback only; SPARK_LOCAL_IP below does the same for every web UI.
    'spark.driver.host 127.0.0.1',
    'spark.driver.bindAddress 127.0.0.1',
    'spark.eventLog.enabled true',
    `spark.eventLog.dir ${events}`,
    `spark.history.fs.logDirectory ${events}`,
    `spark.history.ui.port ${history.port}`,
    'spark.history.fs.update.interval 2s',
    `spark.driver.extraClassPath ${jars}`,
    `spark.executor.extraClassPath ${jars}`,
    'spark.driver.memory 512m',
    'spark.executor.memory 512m',
    'spark.executor.cores 1',
    'spark.cores.max 1',
    'spark.sql.shuffle.partitions 4',
    'spark.ui.showConsoleProgress false',
    `spark.pyspark.python ${python}`,
    `spark.pyspark.driver.python ${python}`,
    // Finished drivers' work dirs are cleaned after a day: a learner's disk stays small.
    'spark.worker.cleanup.enabled true',
    'spark.worker.cleanup.appDataTtl 86400',
    '',
  ].join('\n');
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** What the master's JSON says: its status and how many workers are alive. */
export async function sparkMasterState(
  uiUrl: string,
): Promise<{ status: string; aliveWorkers: number }> {
  const json = (await getJson(new URL('/json/', uiUrl).toString())) as {
    status: string;
    workers: { state: string }[];
  };
  return {
    status: json.status,
    aliveWorkers: json.workers.filter((w) => w.state === 'ALIVE').length,
  };
}

/**
 * Spark 4 standalone from the pyspark wheel: a master with the REST submission server, two
 * workers, and the history server over the event-log directory.
 */
export function sparkComponent(): LocalComponent {
  const units: SparkUnit[] = [
    {
      unit: 'spark-master',
      mainClass: 'org.apache.spark.deploy.master.Master',
      args: (ctx) => {
        const master = hostPort(ctx.config.spark.masterUrl);
        return [
          '--host',
          master.host,
          '--port',
          String(master.port),
          '--webui-port',
          String(hostPort(ctx.config.spark.uiUrl).port),
        ];
      },
    },
    ...WORKERS.map((n) => ({
      unit: `spark-worker-${n}`,
      mainClass: 'org.apache.spark.deploy.worker.Worker',
      args: (ctx: ComponentContext) => {
        const master = hostPort(ctx.config.spark.masterUrl);
        const dir = join(ctx.dir, `worker-${n}`);
        mkdirSync(dir, { recursive: true });
        return [
          '--host',
          master.host,
          '--webui-port',
          String(hostPort(ctx.config.spark.uiUrl).port + WORKER_UI_OFFSET + n - 1),
          // Two cores each on a two-core machine: drivers mostly wait, and a streaming job must
          // not starve every batch job of a core.
          '--cores',
          '2',
          '--memory',
          '2g',
          '--work-dir',
          dir,
          ctx.config.spark.masterUrl,
        ];
      },
    })),
    {
      unit: 'spark-history',
      mainClass: 'org.apache.spark.deploy.history.HistoryServer',
      args: () => [],
    },
  ];

  const pidFile = (ctx: ComponentContext, unit: string) => join(ctx.dir, 'pids', `${unit}.pid`);
  const logFile = (ctx: ComponentContext, unit: string) => join(ctx.logDir, `${unit}.log`);
  const home = (ctx: ComponentContext) => {
    const found = sparkHome(ctx.workspaceRoot);
    if (!found)
      throw new PrerequisiteError(
        'pyspark is not installed in the project venv',
        NAME,
        'bash tools/ci/python.sh',
      );
    return found;
  };
  const env = (ctx: ComponentContext): NodeJS.ProcessEnv => {
    const conf = join(ctx.dir, 'conf');
    return {
      ...process.env,
      SPARK_HOME: home(ctx),
      SPARK_CONF_DIR: conf,
      SPARK_LOG_DIR: ctx.logDir,
      SPARK_PID_DIR: join(ctx.dir, 'pids'),
      SPARK_WORKER_DIR: join(ctx.dir, 'work'),
      SPARK_DAEMON_MEMORY: '256m',
      SPARK_NO_DAEMONIZE: '1',
      // Spark's web UIs (master, workers, history, every driver's) bind to SPARK_LOCAL_IP, else
      // to 0.0.0.0; drivers and executors the workers launch inherit it.
      SPARK_LOCAL_IP: '127.0.0.1',
      PYSPARK_PYTHON: join(ctx.workspaceRoot, '.venv', 'bin', 'python'),
      // Never set at run time either: pyspark would download a Hadoop distribution.
      PYSPARK_HADOOP_VERSION: undefined,
    };
  };

  const startUnit = async (ctx: ComponentContext, spec: SparkUnit): Promise<boolean> => {
    if (runningPid(pidFile(ctx, spec.unit))) return false;
    ctx.reporter.step(NAME, `starting ${spec.unit}`);
    startDaemon({
      command: join(home(ctx), 'bin', 'spark-class'),
      args: [
        spec.mainClass,
        ...spec.args(ctx),
        '--properties-file',
        join(ctx.dir, 'conf', 'spark-defaults.conf'),
      ],
      pidFile: pidFile(ctx, spec.unit),
      logFile: logFile(ctx, spec.unit),
      cwd: ctx.dir,
      env: env(ctx),
    });
    return true;
  };

  const healthy = async (ctx: ComponentContext): Promise<boolean> => {
    const master = await sparkMasterState(ctx.config.spark.uiUrl);
    if (master.status !== 'ALIVE' || master.aliveWorkers < WORKERS.length) return false;
    const ready = await fetch(new URL('/v1/submissions/readyz', ctx.config.spark.restUrl), {
      signal: AbortSignal.timeout(3000),
      headers: { Authorization: restAuthorization(ctx.config.spark.restSecret ?? '') },
    });
    if (!ready.ok) return false;
    await getJson(new URL('/api/v1/version', ctx.config.spark.historyUrl).toString());
    return true;
  };

  return {
    name: NAME,
    description: 'Spark 4 standalone (pyspark wheel): master + REST, 2 workers, history server',
    dependsOn: [],
    units: units.map((u) => u.unit),

    async checkPrerequisites(ctx) {
      requireExecutable(NAME, 'java', { debianPackage: 'openjdk-17-jre-headless' });
      home(ctx);
      const jars = join(ctx.workspaceRoot, '.tools', 'jars', 'spark');
      if (!existsSync(jars)) {
        throw new PrerequisiteError(
          `the Kafka and JDBC connector jars are not in ${jars}`,
          NAME,
          'bash tools/ci/maven.sh',
        );
      }
    },

    async start(ctx) {
      const urls = ctx.config.spark;
      ctx.publish({
        spark: {
          masterUrl: urls.masterUrl,
          restUrl: urls.restUrl,
          uiUrl: urls.uiUrl,
          historyUrl: urls.historyUrl,
          connectorJars: join(ctx.workspaceRoot, '.tools', 'jars', 'spark'),
          // 32 bytes: HS256 wants a key of at least 256 bits (jjwt refuses a shorter one).
          ...(ctx.config.spark.restSecret
            ? {}
            : { restSecret: randomBytes(32).toString('base64url') }),
        },
      });
      mkdirSync(join(ctx.dir, 'conf'), { recursive: true });
      mkdirSync(join(ctx.dir, 'events'), { recursive: true });
      const defaults = join(ctx.dir, 'conf', 'spark-defaults.conf');
      writeFileSync(defaults, sparkDefaults(ctx), { mode: 0o600 });
      chmodSync(defaults, 0o600); // a file from before the key was there may be 0644
      if (!runningPid(pidFile(ctx, 'spark-master'))) {
        const master = hostPort(urls.masterUrl);
        await assertPortFree(NAME, master.host, master.port, 'DATAPARK_SPARK_MASTER_URL');
        await assertPortFree(
          NAME,
          master.host,
          hostPort(urls.restUrl).port,
          'DATAPARK_SPARK_REST_URL',
        );
        await assertPortFree(NAME, master.host, hostPort(urls.uiUrl).port, 'DATAPARK_SPARK_UI_URL');
      }
      if (!runningPid(pidFile(ctx, 'spark-history'))) {
        const history = hostPort(urls.historyUrl);
        await assertPortFree(NAME, history.host, history.port, 'DATAPARK_SPARK_HISTORY_URL');
      }
      let started = 0;
      for (const spec of units) if (await startUnit(ctx, spec)) started++;
      if (started === 0)
        ctx.reporter.step(NAME, 'master, workers and history server already running');
      await waitUntil(() => healthy(ctx), {
        component: NAME,
        what: `the master (ALIVE, ${WORKERS.length} workers, REST readyz) and the history server`,
        timeoutMs: 180_000,
        reporter: ctx.reporter,
        fix: `see ${ctx.logDir}/spark-*.log`,
      });
    },

    async stop(ctx) {
      for (const spec of [...units].reverse()) await stopDaemon(pidFile(ctx, spec.unit), 20_000);
    },

    async startUnit(ctx, unit) {
      const spec = units.find((u) => u.unit === unit);
      if (!spec)
        throw new PlatformError(
          `unknown Spark unit ${unit}`,
          NAME,
          `use one of ${units.map((u) => u.unit).join(', ')}`,
        );
      await startUnit(ctx, spec);
    },

    async stopUnit(ctx, unit) {
      await stopDaemon(pidFile(ctx, unit), 20_000);
    },

    async status(ctx): Promise<ComponentStatus> {
      const states: UnitStatus[] = units.map((u) => {
        const pid = runningPid(pidFile(ctx, u.unit));
        return { name: u.unit, state: pid ? 'running' : 'stopped', ...(pid ? { pid } : {}) };
      });
      const ok = states.some((s) => s.pid) ? await healthy(ctx).catch(() => false) : false;
      const running = states.filter((s) => s.state === 'running').length;
      return {
        component: NAME,
        state: running === 0 ? 'stopped' : ok && running === units.length ? 'running' : 'degraded',
        endpoint: `${ctx.config.spark.masterUrl} (REST ${ctx.config.spark.restUrl})`,
        units: states,
      };
    },

    logFiles(ctx) {
      return units.map((u) => logFile(ctx, u.unit));
    },
  };
}
