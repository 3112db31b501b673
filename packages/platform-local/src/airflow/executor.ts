import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ComponentContext } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { airflowPaths, NAME } from './paths.js';
import type { AirflowUnit } from './units.js';
import { activeProfile } from '../profile.js';

/** How tasks run: Celery workers fed through Redis (the default), or inside the scheduler. */
export type AirflowExecutor = 'celery' | 'local';

/** The executor chosen with DATAPARK_AIRFLOW_EXECUTOR, else the profile's (`celery` in full). */
export function airflowExecutor(
  env: NodeJS.ProcessEnv = process.env,
  profileDefault: AirflowExecutor = 'celery',
): AirflowExecutor {
  const value = (env['DATAPARK_AIRFLOW_EXECUTOR'] ?? profileDefault).trim().toLowerCase();
  if (value === 'celery' || value === 'local') return value;
  throw new PlatformError(
    `DATAPARK_AIRFLOW_EXECUTOR = "${value}" is not an executor Data Park runs`,
    NAME,
    'set DATAPARK_AIRFLOW_EXECUTOR to celery (api-server, scheduler, dag-processor, triggerer and a Celery worker) or local (no worker), or unset it',
  );
}

/** The executor Airflow was last started with (status must not depend on the caller's env). */
export function startedExecutor(ctx: ComponentContext): AirflowExecutor {
  const stamp = airflowPaths(ctx).executorStamp;
  if (!existsSync(stamp)) return profileExecutor(ctx);
  return readFileSync(stamp, 'utf8').trim() === 'local' ? 'local' : 'celery';
}

/**
 * Refuses to start `executor` beside processes that run with the other one: the scheduler's
 * executor is fixed at its start, and half a switch would leave tasks queued.
 */
export function assertSameExecutor(
  ctx: ComponentContext,
  executor: AirflowExecutor,
  running: readonly AirflowUnit[],
): void {
  const stamp = airflowPaths(ctx).executorStamp;
  // Without a stamp (a platform from before it), a running worker means Celery.
  const runningWith = existsSync(stamp)
    ? readFileSync(stamp, 'utf8').trim()
    : running.some((u) => u.celeryOnly)
      ? 'celery'
      : executor;
  if (running.length > 0 && runningWith !== executor) {
    throw new PlatformError(
      `Airflow is running with the ${runningWith} executor, not ${executor}`,
      NAME,
      'stop it first (node apps/datapark-cli/dist/cli.js stop airflow), then run up again',
    );
  }
}

/** Records the executor the processes are being started with. */
export function stampExecutor(ctx: ComponentContext, executor: AirflowExecutor): void {
  // Before the settings files on a fresh state dir: the component's folder may not exist yet.
  mkdirSync(ctx.dir, { recursive: true });
  writeFileSync(airflowPaths(ctx).executorStamp, `${executor}\n`);
}

/** The executor this start uses: DATAPARK_AIRFLOW_EXECUTOR, else the platform profile's. */
export const profileExecutor = (ctx: Pick<ComponentContext, 'stateDir'>): AirflowExecutor =>
  airflowExecutor(process.env, activeProfile(ctx.stateDir).airflowExecutor);
