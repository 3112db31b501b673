import type { MasterStatus } from './master.js';

/**
 * Why a driver the master has accepted is not running yet, from the master's own state (its
 * `/json/` page): `waiting for cores: 0 free, 1 requested`. A standalone master starts a driver
 * on one worker with enough free cores and memory for it, so what counts is what is free on a
 * single alive worker. Undefined when the driver is not waiting (unknown to the master, running,
 * or about to start because a worker has room).
 *
 * @example
 * ```ts
 * waitingReason(await spark.master.status(), 'driver-20261205001326-0000');
 * // 'waiting for cores: 0 free, 1 requested (4 cores in all, 4 in use by 2 applications and 2 drivers)'
 * ```
 */
export function waitingReason(master: MasterStatus, submissionId: string): string | undefined {
  const driver = master.activedrivers.find((d) => d.id === submissionId);
  if (!driver || driver.state !== 'SUBMITTED') return undefined;
  const alive = master.workers.filter((w) => w.state === 'ALIVE');
  if (alive.length === 0) return 'waiting for a worker: no Spark worker is alive';
  const cores = driver.cores ?? 1;
  const memory = driver.memory ?? 1024;
  const freeCores = (w: (typeof alive)[number]) => w.coresfree ?? w.cores - w.coresused;
  const freeMemory = (w: (typeof alive)[number]) => w.memoryfree ?? w.memory - w.memoryused;
  if (alive.some((w) => freeCores(w) >= cores && freeMemory(w) >= memory)) return undefined;
  const usage = `${master.cores} cores in all, ${master.coresused} in use by ${plural(master.activeapps.length, 'application')} and ${plural(master.activedrivers.filter((d) => d.state === 'RUNNING').length, 'driver')}`;
  const mostCores = Math.max(...alive.map(freeCores));
  if (mostCores < cores) {
    const total = alive.reduce((sum, w) => sum + freeCores(w), 0);
    const spread = total > mostCores ? `; at most ${mostCores} on one worker` : '';
    return `waiting for cores: ${total} free${spread}, ${cores} requested (${usage})`;
  }
  const mostMemory = Math.max(...alive.filter((w) => freeCores(w) >= cores).map(freeMemory));
  return `waiting for memory: ${mostMemory} MiB free on a worker with the cores, ${memory} MiB requested (spark.driver.memory; ${usage})`;
}

/**
 * Why a running driver's application has no executor yet, when the master shows it waiting for
 * cores: `its application airflow-streaming-metrics waits for an executor: 0 cores free`.
 */
export function executorWaitingReason(master: MasterStatus, appName: string): string | undefined {
  const app = master.activeapps.find((a) => a.name === appName);
  if (!app || app.state !== 'WAITING' || app.cores > 0) return undefined;
  const free = master.workers
    .filter((w) => w.state === 'ALIVE')
    .reduce((sum, w) => sum + (w.coresfree ?? w.cores - w.coresused), 0);
  return `its application ${appName} waits for an executor: ${free} cores free (${master.cores} in all, ${master.coresused} in use)`;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
