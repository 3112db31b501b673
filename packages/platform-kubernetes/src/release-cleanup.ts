import { setTimeout as sleep } from 'node:timers/promises';
import type { ProgressReporter } from '@datapark/platform';
import { apiError, type KubeClients } from './kube-clients.js';
import type { ReleaseRef } from './release-endpoints.js';
import { releaseSelector } from './release-workloads.js';

/**
 * What is left after `helm uninstall`: volumes (PVCs) and the Secrets with generated passwords
 * are kept, so a reinstall finds its data, and reported; `purge` deletes them and waits for the
 * cluster to remove the claims. Returns the claims kept.
 */
export async function cleanUpRelease(
  clients: KubeClients,
  { namespace, release }: ReleaseRef,
  reporter: ProgressReporter,
  options: { purge?: boolean; purgeWaitMs?: number },
): Promise<string[]> {
  const labelSelector = releaseSelector(release);
  try {
    if (options.purge) {
      await clients.core.deleteCollectionNamespacedPersistentVolumeClaim({
        namespace,
        labelSelector,
      });
      await clients.core.deleteCollectionNamespacedSecret({ namespace, labelSelector });
      const terminating = await waitForClaimsGone(
        clients,
        namespace,
        labelSelector,
        reporter,
        options.purgeWaitMs,
      );
      if (terminating.length > 0) {
        reporter.warn(
          'kubernetes',
          `${terminating.length} volume claims are still terminating (${terminating.join('; ')}): a pod still mounts them, or the cluster's claim protection has not released them yet; \`kubectl get pvc -n ${namespace}\` shows them`,
        );
      } else {
        reporter.done('kubernetes', `purged the volumes and secrets of ${release}`);
      }
      return [];
    }
    const claims = await clients.core.listNamespacedPersistentVolumeClaim({
      namespace,
      labelSelector,
    });
    const kept = claims.items.map((c) => c.metadata?.name ?? '');
    if (kept.length > 0) {
      reporter.step(
        'kubernetes',
        `kept ${kept.length} volume claims (${kept.join(', ')}); --purge deletes them`,
      );
    }
    return kept;
  } catch (error) {
    throw apiError(error, `cleaning up after release ${release}`);
  }
}

/**
 * Deleting a claim only marks it: the cluster removes it once its `kubernetes.io/pvc-protection`
 * finalizer is released (no pod mounts it). Waits for that, and returns the claims still
 * terminating at the deadline with their finalizers.
 */
async function waitForClaimsGone(
  clients: KubeClients,
  namespace: string,
  labelSelector: string,
  reporter: ProgressReporter,
  timeoutMs = 60_000,
): Promise<string[]> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    const claims = await clients.core.listNamespacedPersistentVolumeClaim({
      namespace,
      labelSelector,
    });
    if (claims.items.length === 0) return [];
    if (Date.now() - started >= timeoutMs) {
      return claims.items.map(
        (c) =>
          `${c.metadata?.name} (finalizers: ${(c.metadata?.finalizers ?? []).join(', ') || 'none'})`,
      );
    }
    if (Date.now() - reported >= 4000) {
      reported = Date.now();
      reporter.waiting(
        'kubernetes',
        `${claims.items.length} volume claims to be deleted`,
        reported - started,
      );
    }
    await sleep(500);
  }
}
