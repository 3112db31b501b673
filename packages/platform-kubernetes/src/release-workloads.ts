import type {
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1ObjectMeta,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { apiError, type KubeClients } from './kube-clients.js';

/** The labels every Data Park object carries (charts/datapark/charts/common, `labels`). */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** The label selector of everything a release owns. */
export const releaseSelector = (release: string): string => `${INSTANCE_LABEL}=${release}`;

/**
 * The component an object belongs to, from its labels: the chart (`app.kubernetes.io/name`)
 * and, when it differs, the part of it (`app.kubernetes.io/component`): `postgresql`,
 * `spark-master`, `airflow-scheduler`.
 */
export function componentOf(metadata: V1ObjectMeta | undefined): string {
  const labels = metadata?.labels ?? {};
  const chart = labels[NAME_LABEL];
  const part = labels[COMPONENT_LABEL];
  if (chart && part && part !== chart) return `${chart}-${part}`;
  return chart ?? part ?? metadata?.name ?? 'unknown';
}

/** One Deployment, StatefulSet, DaemonSet or Job of the release and how far it is. */
export interface WorkloadStatus {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';
  readonly name: string;
  readonly component: string;
  /** Pods wanted (1 for a Job; for a DaemonSet, the nodes it should run on). */
  readonly desired: number;
  /** Pods ready (for a Job: 1 once it succeeded). */
  readonly ready: number;
  /** Ready, and the controller has seen the current spec. */
  readonly done: boolean;
}

/** A component's workloads, summed. */
export interface ComponentReadiness {
  readonly component: string;
  readonly desired: number;
  readonly ready: number;
  readonly done: boolean;
  readonly workloads: readonly WorkloadStatus[];
}

function observed(
  metadata: V1ObjectMeta | undefined,
  observedGeneration: number | undefined,
): boolean {
  return (observedGeneration ?? 0) >= (metadata?.generation ?? 0);
}

export function deploymentStatus(d: V1Deployment): WorkloadStatus {
  const desired = d.spec?.replicas ?? 1;
  const ready = d.status?.readyReplicas ?? 0;
  const updated = d.status?.updatedReplicas ?? 0;
  return {
    kind: 'Deployment',
    name: d.metadata?.name ?? '',
    component: componentOf(d.metadata),
    desired,
    ready,
    done:
      observed(d.metadata, d.status?.observedGeneration) && ready >= desired && updated >= desired,
  };
}

export function statefulSetStatus(s: V1StatefulSet): WorkloadStatus {
  const desired = s.spec?.replicas ?? 1;
  const ready = s.status?.readyReplicas ?? 0;
  return {
    kind: 'StatefulSet',
    name: s.metadata?.name ?? '',
    component: componentOf(s.metadata),
    desired,
    ready,
    done: observed(s.metadata, s.status?.observedGeneration) && ready >= desired,
  };
}

/**
 * A DaemonSet wants one pod per node its selector and tolerations admit, so `desired` is the
 * controller's count of those nodes: on a cluster with no such node it is 0, and done.
 */
export function daemonSetStatus(d: V1DaemonSet): WorkloadStatus {
  const desired = d.status?.desiredNumberScheduled ?? 0;
  const ready = d.status?.numberReady ?? 0;
  const updated = d.status?.updatedNumberScheduled ?? 0;
  return {
    kind: 'DaemonSet',
    name: d.metadata?.name ?? '',
    component: componentOf(d.metadata),
    desired,
    ready,
    done:
      observed(d.metadata, d.status?.observedGeneration) && ready >= desired && updated >= desired,
  };
}

export function jobStatus(j: V1Job): WorkloadStatus {
  const succeeded = (j.status?.succeeded ?? 0) > 0;
  return {
    kind: 'Job',
    name: j.metadata?.name ?? '',
    component: componentOf(j.metadata),
    desired: 1,
    ready: succeeded ? 1 : 0,
    done: succeeded,
  };
}

/**
 * The release's Deployments, StatefulSets, DaemonSets (the node exporter) and Jobs, found by
 * `app.kubernetes.io/instance`.
 */
export async function releaseWorkloads(
  clients: KubeClients,
  namespace: string,
  release: string,
): Promise<WorkloadStatus[]> {
  const labelSelector = releaseSelector(release);
  try {
    const [deployments, statefulSets, daemonSets, jobs] = await Promise.all([
      clients.apps.listNamespacedDeployment({ namespace, labelSelector }),
      clients.apps.listNamespacedStatefulSet({ namespace, labelSelector }),
      clients.apps.listNamespacedDaemonSet({ namespace, labelSelector }),
      clients.batch.listNamespacedJob({ namespace, labelSelector }),
    ]);
    return [
      ...statefulSets.items.map(statefulSetStatus),
      ...deployments.items.map(deploymentStatus),
      ...daemonSets.items.map(daemonSetStatus),
      ...jobs.items.map(jobStatus),
    ];
  } catch (error) {
    throw apiError(error, `listing the workloads of release ${release} in namespace ${namespace}`);
  }
}

/** Groups workloads by component, in the order they first appear. */
export function byComponent(workloads: readonly WorkloadStatus[]): ComponentReadiness[] {
  const groups = new Map<string, WorkloadStatus[]>();
  for (const w of workloads) groups.set(w.component, [...(groups.get(w.component) ?? []), w]);
  return [...groups.entries()].map(([component, list]) => ({
    component,
    desired: list.reduce((n, w) => n + w.desired, 0),
    ready: list.reduce((n, w) => n + w.ready, 0),
    done: list.every((w) => w.done),
    workloads: list,
  }));
}
