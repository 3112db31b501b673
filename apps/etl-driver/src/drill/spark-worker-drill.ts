import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPool } from '@datapark/db';
import { SparkRestClient } from '@datapark/spark-client';
import type { BatchRunResult } from '../batch/batch-run.js';
import { runBatchDirect } from '../batch/batch-run.js';
import type { Drill, DrillContext } from './drills.js';
import type { LoadProcess } from './load-processes.js';
import { startSourceWriter } from './load-processes.js';
import type { ProcessedReconciliation } from './reconcile-processed.js';
import { reconcileProcessed } from './reconcile-processed.js';
import { listProcesses, sparkPlacement } from './spark-processes.js';
import { EtlError } from '../etl-error.js';

/** The shop's rate into `source` while the batch reads it. */
const SOURCE_RATE = 200;

interface WorkerUnit {
  readonly unit: string;
  readonly pid: number;
}

async function sparkWorkers(ctx: DrillContext): Promise<WorkerUnit[]> {
  const spark = (await ctx.platform.status()).find((c) => c.component === 'spark');
  return (spark?.units ?? [])
    .filter((u) => u.name.startsWith('spark-worker-') && u.pid !== undefined)
    .map((u) => ({ unit: u.name, pid: u.pid! }));
}

/** Whether the driver's log says a task started on executor `id`. */
function taskStartedOn(driverDir: string | undefined, id: string): boolean {
  if (!driverDir) return false;
  try {
    return readFileSync(join(driverDir, 'stderr'), 'utf8').includes(`executor ${id},`);
  } catch {
    return false;
  }
}

/**
 * Waits until a task of the batch runs on an executor whose worker does not also run the
 * driver, and names that worker. Killing the driver's worker ends the job (standalone restarts
 * a driver only when submitted with supervise); losing an executor mid-task is what Spark must
 * absorb.
 */
async function workerUnderRunningTask(
  ctx: DrillContext,
  driverId: () => string | undefined,
  appName: string,
): Promise<WorkerUnit> {
  const spark = SparkRestClient.fromConfig(ctx.config);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const id = driverId();
    const app = id
      ? (await spark.masterJson().catch(() => undefined))?.activeapps.find(
          (a) => a.name === appName,
        )
      : undefined;
    if (id && app) {
      const placement = sparkPlacement(listProcesses(), id, app.id);
      const busy = placement.executors.find(
        (e) => e.worker !== placement.driverWorker && taskStartedOn(placement.driverDir, e.id),
      );
      const worker = busy && (await sparkWorkers(ctx)).find((w) => w.pid === busy.worker);
      if (worker) return worker;
    }
    if (Date.now() > deadline)
      throw new EtlError(
        `the batch ${appName} ran no task on a worker apart from its driver's within 180 s ` +
          '(are both Spark workers up? npx nx run platform:status)',
        { code: 'SPARK_NO_EXECUTOR', hint: 'npx nx run platform:status' },
      );
    await sleep(200);
  }
}

/**
 * SIGKILL the Spark worker (and with it the executor it launched) while the daily batch for
 * today runs and the shop keeps writing `source`; then start the worker again. The job must
 * finish on its own, and `processed` must hold exactly the source orders it covered.
 */
export function sparkWorkerDrill(): Drill {
  let batch: Promise<BatchRunResult> | undefined;
  let writer: LoadProcess | undefined;
  let killed: WorkerUnit | undefined;
  let window: { day: string; asOf: Date } | undefined;
  return {
    name: 'spark-worker',
    description:
      "SIGKILL the Spark worker under the daily batch's executor mid-job while the shop writes source, then start it again",
    async inject(ctx) {
      killed = undefined;
      writer = startSourceWriter(SOURCE_RATE, `drill-source-${randomUUID()}`);
      await sleep(10_000); // the shop has customers, products and some orders
      const asOf = new Date();
      const day = asOf.toISOString().slice(0, 10);
      window = { day, asOf };
      let driverId: string | undefined;
      batch = runBatchDirect({
        config: ctx.config,
        date: day,
        asOf,
        triggeredBy: 'datapark-etl drill spark-worker',
        timeoutMs: 10 * 60_000,
        onProgress: () => undefined,
        onSubmitted: (id) => (driverId = id),
      });
      const finishedFirst = batch.then(() => {
        throw new EtlError('the batch finished before an executor could be killed', {
          code: 'DRILL_TOO_LATE',
          hint: 'the batch had too little work: let the shop write source longer first',
        });
      });
      finishedFirst.catch(() => undefined); // only the race below listens
      const target = await Promise.race([
        workerUnderRunningTask(ctx, () => driverId, `daily-batch-${day}`),
        finishedFirst,
      ]);
      await sleep(1_000); // mid-task: the first task reads source for several seconds
      process.kill(-target.pid, 'SIGKILL'); // the worker's whole process group: a node lost
      killed = target;
      await sleep(ctx.faultMs);
    },
    async recover(ctx) {
      try {
        if (killed) await ctx.platform.start(killed.unit);
        const run = await batch;
        if (run && run.status !== 'success')
          throw new EtlError(
            `the batch did not survive losing its executor: ${run.finalState}: ${run.error ?? ''}`,
            {
              code: 'BATCH_FAILED',
              hint: 'the driver log in .datapark/spark/worker-*/<driver>/stderr says why',
            },
          );
      } finally {
        await writer?.stop();
      }
    },
    async verify(ctx): Promise<ProcessedReconciliation> {
      const db = createPool(ctx.config, 'analyst', { max: 1 });
      try {
        return await reconcileProcessed(db, window!.day, window!.asOf);
      } finally {
        await db.end();
      }
    },
  };
}
