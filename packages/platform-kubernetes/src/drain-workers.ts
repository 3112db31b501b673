import { setTimeout as sleep } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ProgressReporter } from '@datapark/platform';
import { KubernetesApiError } from './errors.js';
import { apiError, type KubeClients } from './kube-clients.js';
import type { ReleaseRef } from './release-endpoints.js';
import { releaseSelector } from './release-workloads.js';

/** The release's Celery workers: Airflow's `worker` Deployment. */
const WORKERS = 'app.kubernetes.io/name=airflow,app.kubernetes.io/component=worker';

/**
 * Scales the release's Celery workers to zero and waits for their pods to go, before `helm
 * uninstall` deletes everything at once. A worker whose broker (the release's Redis) vanishes
 * during its warm shutdown can hang in Celery's reconnect loop for its whole grace period (600 s,
 * so that running tasks may finish): seen once on the one-node cluster, where the worker's pod
 * was still terminating three minutes after the uninstall. With Redis still there, a worker with
 * no task leaves in seconds. Gives up after `timeoutMs` (the uninstall then goes on, with a
 * warning): a worker still running a long task is waited for no longer than that. A refusal of
 * the API (no right to scale, a Deployment gone meanwhile) is a warning too: the drain only
 * spares the wait, and the uninstall must not fail for it.
 */
export async function drainCeleryWorkers(
  clients: KubeClients,
  { namespace, release }: ReleaseRef,
  reporter: ProgressReporter,
  timeoutMs = 120_000,
): Promise<void> {
  const labelSelector = `${releaseSelector(release)},${WORKERS}`;
  try {
    const deployments = await clients.apps.listNamespacedDeployment({ namespace, labelSelector });
    const running = deployments.items.filter((d) => (d.spec?.replicas ?? 1) > 0);
    if (running.length === 0) return;
    const started = Date.now();
    reporter.step(
      'airflow',
      `stopping the Celery workers first, while their broker is up (${running.map((d) => d.metadata?.name).join(', ')})`,
    );
    for (const d of running)
      await clients.apps.patchNamespacedDeployment(
        { name: d.metadata!.name!, namespace, body: { spec: { replicas: 0 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    for (;;) {
      const pods = await clients.core.listNamespacedPod({ namespace, labelSelector });
      if (pods.items.length === 0) {
        reporter.done('airflow', 'Celery workers stopped', Date.now() - started);
        return;
      }
      if (Date.now() - started >= timeoutMs) {
        reporter.warn(
          'airflow',
          `${pods.items.length} Celery worker pods still stopping after ${Math.round(timeoutMs / 1000)} s (a task still running?); uninstalling anyway: they go within their grace period`,
        );
        return;
      }
      await sleep(1000);
    }
  } catch (error) {
    const failure = apiError(error, `stopping the Celery workers of release ${release}`);
    const why = failure instanceof KubernetesApiError ? failure.problem : failure.message;
    reporter.warn('airflow', `${why}; uninstalling anyway`);
  }
}
