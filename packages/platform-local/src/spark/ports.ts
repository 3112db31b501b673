import type { ComponentContext, PortClaim } from '@datapark/platform';
import { runningPid } from '../pid-file.js';
import { assertPortFree } from '../ports.js';
import { hostPort } from './addresses.js';
import { NAME } from './installation.js';
import { activeProfile } from '../profile.js';
import { sparkPidFile, sparkWorkerNumbers, workerUiPort } from './units.js';

/**
 * The ports of the master (RPC, REST, UI), of each worker's UI and of the history server. The
 * workers' own RPC ports are left to the kernel, so they never collide.
 */
export function sparkPorts(ctx: ComponentContext): PortClaim[] {
  const urls = ctx.config.spark;
  const master = hostPort(urls.masterUrl);
  const history = hostPort(urls.historyUrl);
  const masterPort = (port: number, purpose: string, variable: string): PortClaim => ({
    unit: 'spark-master',
    host: master.host,
    port,
    purpose,
    variable,
  });
  return [
    masterPort(master.port, 'master', 'DATAPARK_SPARK_MASTER_URL'),
    masterPort(hostPort(urls.restUrl).port, 'REST submission', 'DATAPARK_SPARK_REST_URL'),
    masterPort(hostPort(urls.uiUrl).port, 'master UI', 'DATAPARK_SPARK_UI_URL'),
    ...sparkWorkerNumbers(activeProfile(ctx.stateDir)).map((n) => ({
      unit: `spark-worker-${n}`,
      host: master.host,
      port: workerUiPort(ctx, n),
      purpose: `worker UI, master UI + ${n}`,
      variable: 'DATAPARK_SPARK_UI_URL',
      movesWhenTaken: true,
    })),
    {
      unit: 'spark-history',
      host: history.host,
      port: history.port,
      purpose: 'history server',
      variable: 'DATAPARK_SPARK_HISTORY_URL',
    },
  ];
}

/**
 * Fails naming the variable to move a port when one the master (RPC, REST, UI) or the history
 * server would listen on is taken, unless that process already runs.
 */
export async function assertSparkPortsFree(ctx: ComponentContext): Promise<void> {
  const checked = new Set(['spark-master', 'spark-history']);
  for (const claim of sparkPorts(ctx)) {
    if (!checked.has(claim.unit) || runningPid(sparkPidFile(ctx, claim.unit))) continue;
    await assertPortFree(NAME, claim.host, claim.port, claim.variable);
  }
}
