import { join } from 'node:path';
import type { ComponentContext } from '@datapark/platform';
import { startDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import type { AirflowExecutor } from './executor.js';
import { airflowPaths, NAME } from './paths.js';
import { processEnv } from './settings-files.js';

/** One Airflow process: its unit name and the `airflow` subcommand that runs it. */
export interface AirflowUnit {
  readonly unit: string;
  readonly args: readonly string[];
  /** Only with the Celery executor. */
  readonly celeryOnly?: boolean;
  /** Variables for this process alone. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The worker units' names start with this; each says `ready.` in its log once it consumes. */
export const WORKER_UNIT_PREFIX = 'airflow-worker-';

/**
 * Celery worker N. Gossip and mingle only matter between many workers and cost seconds at
 * start; the name tells a task (DATAPARK_AIRFLOW_WORKER) and `celery inspect` which one it is.
 */
function celeryWorker(n: number): AirflowUnit {
  return {
    unit: `${WORKER_UNIT_PREFIX}${n}`,
    args: [
      'celery',
      'worker',
      '--celery-hostname',
      `datapark-${n}@%h`,
      '--without-gossip',
      '--without-mingle',
      '--skip-serve-logs',
    ],
    celeryOnly: true,
    env: { DATAPARK_AIRFLOW_WORKER: `${WORKER_UNIT_PREFIX}${n}` },
  };
}

export const AIRFLOW_UNITS: readonly AirflowUnit[] = [
  { unit: 'airflow-api-server', args: ['api-server'] },
  { unit: 'airflow-scheduler', args: ['scheduler'] },
  { unit: 'airflow-dag-processor', args: ['dag-processor'] },
  // The worker's and the triggerer's log servers bind every interface, with no setting to
  // narrow it (airflow/utils/serve_logs/core.py: host=""). All processes share one log folder
  // here, so the api-server reads task logs from the files and the log servers stay off.
  { unit: 'airflow-triggerer', args: ['triggerer', '--skip-serve-logs'] },
  ...[1, 2].map((n) => celeryWorker(n)),
];

/** The units an executor runs (no Celery worker with the local executor). */
export const activeUnits = (executor: AirflowExecutor) =>
  AIRFLOW_UNITS.filter((u) => !u.celeryOnly || executor === 'celery');

export const airflowPidFile = (ctx: ComponentContext, unit: string) =>
  join(airflowPaths(ctx).pids, `${unit}.pid`);
export const airflowLogFile = (ctx: ComponentContext, unit: string) =>
  join(ctx.logDir, `${unit}.log`);

/** Starts one unit under the restarting supervisor unless it runs; returns whether it did. */
export function startAirflowUnit(
  ctx: ComponentContext,
  spec: AirflowUnit,
  env: Record<string, string>,
): boolean {
  if (runningPid(airflowPidFile(ctx, spec.unit))) return false;
  ctx.reporter.step(NAME, `starting ${spec.unit}`);
  startDaemon({
    command: airflowPaths(ctx).airflow,
    args: spec.args,
    pidFile: airflowPidFile(ctx, spec.unit),
    logFile: airflowLogFile(ctx, spec.unit),
    cwd: ctx.dir,
    env: processEnv({ ...env, ...spec.env }),
    // Airflow's daemons exit when the metadata database goes away (a PostgreSQL restart);
    // the supervisor brings them back, as Kubernetes would restart their pods.
    restart: 'on-failure',
  });
  return true;
}
