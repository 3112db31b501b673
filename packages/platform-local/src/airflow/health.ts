import { existsSync, readFileSync } from 'node:fs';
import type { ComponentContext } from '@datapark/platform';
import { airflowLogFile } from './units.js';
import { PlatformError } from '@datapark/platform';

/** What `/api/v2/monitor/health` says about each part of Airflow. */
export type AirflowHealth = Record<string, { status: string | null } | undefined>;

/** The api-server's health document (no authentication needed). */
export async function airflowHealth(url: string): Promise<AirflowHealth> {
  const response = await fetch(new URL('/api/v2/monitor/health', url), {
    signal: AbortSignal.timeout(3000),
  });
  if (!response.ok)
    throw new PlatformError(
      `${url}/api/v2/monitor/health: HTTP ${response.status}`,
      'airflow',
      undefined,
      'AIRFLOW_UNHEALTHY',
    );
  return (await response.json()) as AirflowHealth;
}

const HEALTH_PARTS = ['metadatabase', 'scheduler', 'triggerer', 'dag_processor'] as const;

/** The parts of Airflow that are not healthy (empty when all are). */
export function unhealthyParts(health: AirflowHealth): string[] {
  return HEALTH_PARTS.filter((part) => health[part]?.status !== 'healthy').map(
    (part) => `${part}: ${health[part]?.status ?? 'missing'}`,
  );
}

/** True when every part is healthy; throws naming the parts that are not. */
export async function airflowHealthy(ctx: ComponentContext): Promise<boolean> {
  const bad = unhealthyParts(await airflowHealth(ctx.config.airflow.url));
  if (bad.length > 0)
    throw new PlatformError(bad.join(', '), 'airflow', undefined, 'AIRFLOW_UNHEALTHY');
  return true;
}

/** True when a Celery worker has said `ready` in its log since `offset`. */
export function workerReady(ctx: ComponentContext, unit: string, offset: number): boolean {
  const file = airflowLogFile(ctx, unit);
  if (!existsSync(file)) return false;
  return readFileSync(file).subarray(offset).toString('utf8').includes(' ready.');
}
