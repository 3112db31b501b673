import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { EndpointsDocument } from '@datapark/config';
import { apiError, type KubeClients } from './kube-clients.js';
import {
  endpointsFromPlan,
  inClusterEndpoints,
  planPortForwards,
  type PortForwardPlan,
} from './port-forward-plan.js';
import { credentialsFromSecrets } from './release-credentials.js';
import { releaseSelector } from './release-workloads.js';

/** A helm release: its name and namespace. */
export interface ReleaseRef {
  readonly namespace: string;
  readonly release: string;
}

/**
 * The release's endpoints and credentials in the endpoints file's shape (without writing it):
 * port-forward addresses on 127.0.0.1 when `viaPortForward`, in-cluster DNS names otherwise,
 * and the passwords from the release's Secrets.
 */
export async function releaseEndpoints(
  clients: KubeClients,
  { namespace, release }: ReleaseRef,
  viaPortForward: () => boolean,
): Promise<{ plan: PortForwardPlan; endpoints: EndpointsDocument }> {
  const labelSelector = releaseSelector(release);
  try {
    const [services, pods, secrets] = await Promise.all([
      clients.core.listNamespacedService({ namespace, labelSelector }),
      clients.core.listNamespacedPod({ namespace, labelSelector }),
      clients.core.listNamespacedSecret({ namespace, labelSelector }),
    ]);
    const plan = planPortForwards(services.items, pods.items, namespace);
    const addresses = viaPortForward() ? endpointsFromPlan(plan) : inClusterEndpoints(plan);
    const endpoints: EndpointsDocument = {
      ...mergeSections(addresses, credentialsFromSecrets(secrets.items)),
      kubernetes: {
        context: clients.config.getCurrentContext(),
        namespace,
        release,
        portForward: viaPortForward(),
      },
    };
    return { plan, endpoints };
  } catch (error) {
    throw apiError(error, `reading the services and secrets of release ${release}`);
  }
}

/** The release's Services and Pods, to plan port-forwards over. */
export async function releaseServicesAndPods(
  clients: KubeClients,
  { namespace, release }: ReleaseRef,
): Promise<{ services: V1Service[]; pods: V1Pod[] }> {
  const labelSelector = releaseSelector(release);
  const [services, pods] = await Promise.all([
    clients.core.listNamespacedService({ namespace, labelSelector }),
    clients.core.listNamespacedPod({ namespace, labelSelector }),
  ]).catch((error: unknown) => {
    throw apiError(error, `listing the services of release ${release}`);
  });
  return { services: services.items, pods: pods.items };
}

/** Merges two endpoints documents section by section (credentials into addresses). */
function mergeSections(a: EndpointsDocument, b: EndpointsDocument): EndpointsDocument {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    out[key] =
      current && typeof current === 'object' && value && typeof value === 'object'
        ? { ...(current as object), ...(value as object) }
        : value;
  }
  return out;
}
