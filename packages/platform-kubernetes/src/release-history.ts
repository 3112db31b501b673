import { apiError, type KubeClients } from './kube-clients.js';
import type { ReleaseRef } from './release-endpoints.js';

/**
 * The latest revision of a release and its helm status (`deployed`, `failed`…), from the records
 * helm keeps: one Secret per revision labelled owner=helm, name=<release>, status, version.
 * Undefined when the release is not installed.
 */
export async function latestRevision(
  clients: KubeClients,
  { namespace, release }: ReleaseRef,
): Promise<{ status?: string; revision: number } | undefined> {
  let latest: { status?: string; revision: number } | undefined;
  try {
    const records = await clients.core.listNamespacedSecret({
      namespace,
      labelSelector: `owner=helm,name=${release}`,
    });
    for (const s of records.items) {
      const revision = Number(s.metadata?.labels?.['version'] ?? 0);
      if (!latest || revision > latest.revision) {
        const status = s.metadata?.labels?.['status'];
        latest = { revision, ...(status ? { status } : {}) };
      }
    }
  } catch (error) {
    throw apiError(error, `reading the helm records of release ${release}`);
  }
  return latest;
}
