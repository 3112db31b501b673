import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { startDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { hostPort } from './addresses.js';
import type { Profile } from '../profile.js';
import { activeProfile } from '../profile.js';
import { NAME, requireSparkHome } from './installation.js';

/** Worker numbers a profile may run (the full profile runs both). */
const WORKERS = [1, 2] as const;
/** Worker web UIs sit right above the master's. */
const WORKER_UI_OFFSET = 1;

/** The web UI port of worker `n` (1, 2): the master UI's port + n. */
export const workerUiPort = (ctx: ComponentContext, n: number) =>
  hostPort(ctx.config.spark.uiUrl).port + WORKER_UI_OFFSET + n - 1;

/** One process of the cluster: the class spark-class runs, and its arguments. */
export interface SparkUnit {
  readonly unit: string;
  readonly mainClass: string;
  readonly args: (ctx: ComponentContext) => string[];
}

/** The master (with the REST submission server), the workers and the history server. */
export const SPARK_UNITS: readonly SparkUnit[] = [
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
        String(workerUiPort(ctx, n)),
        // Four cores in all on a two-core machine (two workers of 2, or the lean profile's one
        // of 4): drivers mostly wait, and a streaming job must not starve every batch job.
        '--cores',
        String(activeProfile(ctx.stateDir).sparkWorkerCores),
        '--memory',
        `${activeProfile(ctx.stateDir).sparkWorkerMemoryMb}m`,
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

/** The numbers of the workers a profile runs (1, or 1 and 2). */
export const sparkWorkerNumbers = (profile: Profile): number[] =>
  WORKERS.filter((n) => n <= profile.sparkWorkers);

/** The units a profile runs: its number of workers, the history server unless lean. */
export const activeSparkUnits = (profile: Profile): readonly SparkUnit[] =>
  SPARK_UNITS.filter((u) => {
    const worker = /^spark-worker-(\d+)$/.exec(u.unit);
    if (worker) return Number(worker[1]) <= profile.sparkWorkers;
    return u.unit !== 'spark-history' || profile.sparkHistoryServer;
  });

export const sparkPidFile = (ctx: ComponentContext, unit: string) =>
  join(ctx.dir, 'pids', `${unit}.pid`);
export const sparkLogFile = (ctx: ComponentContext, unit: string) =>
  join(ctx.logDir, `${unit}.log`);

/** The environment of every Spark process: our conf, log, pid and work dirs, loopback only. */
function sparkEnv(ctx: ComponentContext): NodeJS.ProcessEnv {
  const conf = join(ctx.dir, 'conf');
  return {
    ...process.env,
    SPARK_HOME: requireSparkHome(ctx),
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
}

/** Starts one unit through bin/spark-class unless it runs; returns whether it started it. */
export async function startSparkUnit(ctx: ComponentContext, spec: SparkUnit): Promise<boolean> {
  if (runningPid(sparkPidFile(ctx, spec.unit))) return false;
  ctx.reporter.step(NAME, `starting ${spec.unit}`);
  startDaemon({
    command: join(requireSparkHome(ctx), 'bin', 'spark-class'),
    args: [
      spec.mainClass,
      ...spec.args(ctx),
      '--properties-file',
      join(ctx.dir, 'conf', 'spark-defaults.conf'),
    ],
    pidFile: sparkPidFile(ctx, spec.unit),
    logFile: sparkLogFile(ctx, spec.unit),
    cwd: ctx.dir,
    env: sparkEnv(ctx),
  });
  return true;
}
