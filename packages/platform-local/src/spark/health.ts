import { restAuthorization } from '@datapark/spark-client';
import type { ComponentContext } from '@datapark/platform';
import { activeProfile } from '../profile.js';
import { PlatformError } from '@datapark/platform';

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!response.ok)
    throw new PlatformError(
      `${url}: HTTP ${response.status}`,
      'spark',
      undefined,
      'SPARK_UNHEALTHY',
    );
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
 * True when the master is ALIVE with every worker, its REST server answers readyz (signed with
 * the REST key) and the history server answers.
 */
export async function sparkHealthy(ctx: ComponentContext): Promise<boolean> {
  const profile = activeProfile(ctx.stateDir);
  const master = await sparkMasterState(ctx.config.spark.uiUrl);
  if (master.status !== 'ALIVE' || master.aliveWorkers < profile.sparkWorkers) return false;
  const ready = await fetch(new URL('/v1/submissions/readyz', ctx.config.spark.restUrl), {
    signal: AbortSignal.timeout(3000),
    headers: { Authorization: restAuthorization(ctx.config.spark.restSecret ?? '') },
  });
  if (!ready.ok) return false;
  if (profile.sparkHistoryServer)
    await getJson(new URL('/api/v1/version', ctx.config.spark.historyUrl).toString());
  return true;
}
