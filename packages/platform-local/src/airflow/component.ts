import { existsSync, statSync } from 'node:fs';
import type { ComponentStatus, LocalComponent, UnitStatus } from '@datapark/platform';
import { PlatformError, PrerequisiteError } from '@datapark/platform';
import { stopDaemon } from '../daemon.js';
import { runningPid } from '../pid-file.js';
import { assertPortFree } from '../ports.js';
import { generateSecret } from '../secrets.js';
import { waitUntil } from '../wait-until.js';
import { assertSameExecutor, profileExecutor, stampExecutor, startedExecutor } from './executor.js';
import { airflowHealthy, workerReady } from './health.js';
import { dropMetadataDatabase, migrateMetadataDatabase } from './metadata-database.js';
import { airflowPaths, NAME } from './paths.js';
import { writeAirflowSettings } from './settings-files.js';
import {
  activeUnits,
  AIRFLOW_UNITS,
  airflowLogFile,
  airflowPidFile,
  startAirflowUnit,
  WORKER_UNIT_PREFIX,
} from './units.js';

/**
 * Apache Airflow 3 from the project venv as separate processes: api-server (UI, REST API v2,
 * execution API), scheduler, dag-processor, triggerer and two Celery workers fed through Redis.
 * Metadata in the `airflow` PostgreSQL database as the `airflow` role; DAGs from
 * apps/airflow-dags/dags; the simple auth manager with a generated password.
 */
/** Units earlier versions started (one `airflow-worker`), stopped by `down` all the same. */
const RETIRED_UNITS = ['airflow-worker'];

export function airflowComponent(): LocalComponent {
  const pidFile = airflowPidFile;
  const logFile = airflowLogFile;

  return {
    name: NAME,
    description:
      'Apache Airflow 3 (project venv): api-server, scheduler, dag-processor, triggerer, 2 Celery workers',
    dependsOn: ['postgres', 'redis', 'spark'],
    units: AIRFLOW_UNITS.map((u) => u.unit),

    async checkPrerequisites(ctx) {
      profileExecutor(ctx);
      if (!existsSync(airflowPaths(ctx).airflow)) {
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
      const executor = profileExecutor(ctx);
      const running = AIRFLOW_UNITS.filter((u) => runningPid(pidFile(ctx, u.unit)));
      assertSameExecutor(ctx, executor, running);
      stampExecutor(ctx, executor);
      const env = writeAirflowSettings(ctx, running.length === 0);
      const units = activeUnits(executor);
      const api = new URL(ctx.config.airflow.url);
      if (!runningPid(pidFile(ctx, 'airflow-api-server'))) {
        await assertPortFree(NAME, api.hostname, Number(api.port), 'DATAPARK_AIRFLOW_URL');
      }
      await migrateMetadataDatabase(ctx, env);
      const workers = units.filter((u) => u.unit.startsWith(WORKER_UNIT_PREFIX)).map((u) => u.unit);
      // Where each worker's log ends now: `ready.` must appear after it.
      const logOffsets = new Map(
        workers.map((w) => {
          const file = logFile(ctx, w);
          return [w, existsSync(file) ? statSync(file).size : 0];
        }),
      );
      const startedUnits = units
        .filter((spec) => startAirflowUnit(ctx, spec, env))
        .map((u) => u.unit);
      if (startedUnits.length === 0) ctx.reporter.step(NAME, 'every process already running');
      const fix = `see ${ctx.logDir}/airflow-*.log (npx nx run platform:logs -- airflow)`;
      await waitUntil(() => airflowHealthy(ctx), {
        component: NAME,
        what: 'the api-server to report metadatabase, scheduler, triggerer and dag-processor healthy',
        timeoutMs: 240_000,
        intervalMs: 1000,
        reporter: ctx.reporter,
        fix,
      });
      for (const worker of workers.filter((w) => startedUnits.includes(w))) {
        // Celery prints `celery@<host> ready.` once it consumes from Redis.
        await waitUntil(
          async () => {
            if (!runningPid(pidFile(ctx, worker)))
              throw new PlatformError(
                'the Celery worker exited',
                worker,
                `its log says why: npx nx run platform:logs -- ${worker}`,
                'AIRFLOW_WORKER_EXITED',
              );
            return workerReady(ctx, worker, logOffsets.get(worker) ?? 0);
          },
          {
            component: NAME,
            what: `Celery worker ${worker} to connect to Redis`,
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
      const units = [...AIRFLOW_UNITS.map((spec) => spec.unit), ...RETIRED_UNITS];
      await Promise.all(units.map((unit) => stopDaemon(pidFile(ctx, unit), 30_000)));
    },

    async startUnit(ctx, unit) {
      const spec = AIRFLOW_UNITS.find((u) => u.unit === unit);
      if (!spec)
        throw new PlatformError(
          `unknown Airflow unit ${unit}`,
          NAME,
          `use one of ${AIRFLOW_UNITS.map((u) => u.unit).join(', ')}`,
        );
      startAirflowUnit(ctx, spec, writeAirflowSettings(ctx));
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
        ? await airflowHealthy(ctx).catch((error: unknown) => {
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

    ports(ctx) {
      const api = new URL(ctx.config.airflow.url);
      return [
        {
          unit: 'airflow-api-server',
          host: api.hostname,
          port: Number(api.port),
          purpose: 'UI, REST and execution API',
          variable: 'DATAPARK_AIRFLOW_URL',
        },
      ];
    },

    logFiles(ctx) {
      return AIRFLOW_UNITS.map((u) => logFile(ctx, u.unit));
    },

    purge: dropMetadataDatabase,
  };
}
