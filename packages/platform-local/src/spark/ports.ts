import type { ComponentContext } from '@datapark/platform';
import { runningPid } from '../pid-file.js';
import { assertPortFree } from '../ports.js';
import { hostPort } from './addresses.js';
import { NAME } from './installation.js';
import { sparkPidFile } from './units.js';

/**
 * Fails naming the variable to move a port when one the master (RPC, REST, UI) or the history
 * server would listen on is taken, unless that process already runs.
 */
export async function assertSparkPortsFree(ctx: ComponentContext): Promise<void> {
  const urls = ctx.config.spark;
  if (!runningPid(sparkPidFile(ctx, 'spark-master'))) {
    const master = hostPort(urls.masterUrl);
    await assertPortFree(NAME, master.host, master.port, 'DATAPARK_SPARK_MASTER_URL');
    await assertPortFree(NAME, master.host, hostPort(urls.restUrl).port, 'DATAPARK_SPARK_REST_URL');
    await assertPortFree(NAME, master.host, hostPort(urls.uiUrl).port, 'DATAPARK_SPARK_UI_URL');
  }
  if (!runningPid(sparkPidFile(ctx, 'spark-history'))) {
    const history = hostPort(urls.historyUrl);
    await assertPortFree(NAME, history.host, history.port, 'DATAPARK_SPARK_HISTORY_URL');
  }
}
