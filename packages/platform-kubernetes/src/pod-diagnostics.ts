import type { V1Pod } from '@kubernetes/client-node';
import type { UnreadyPod } from './errors.js';
import { apiError, type KubeClients } from './kube-clients.js';
import { componentOf, releaseSelector } from './release-workloads.js';

function isReady(pod: V1Pod): boolean {
  if (pod.status?.phase === 'Succeeded') return true;
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function containerLines(pod: V1Pod): string[] {
  return (pod.status?.containerStatuses ?? [])
    .filter((c) => !c.ready)
    .map((c) => {
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      const state = waiting
        ? `waiting: ${waiting.reason ?? ''}${waiting.message ? ` (${waiting.message})` : ''}`
        : terminated
          ? `terminated: ${terminated.reason ?? ''} exit ${terminated.exitCode}`
          : 'running, not ready';
      return `${c.name}: ${state}, ${c.restartCount} restarts`;
    });
}

async function eventsOf(clients: KubeClients, namespace: string, pod: string): Promise<string[]> {
  const events = await clients.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod}`,
  });
  const time = (e: (typeof events.items)[number]) =>
    new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0).getTime();
  return [...events.items]
    .sort((a, b) => time(a) - time(b))
    .map((e) => `${e.type ?? 'Normal'} ${e.reason ?? ''}: ${e.message ?? ''}`.trim());
}

async function logTail(
  clients: KubeClients,
  namespace: string,
  pod: V1Pod,
  lines: number,
): Promise<string[]> {
  const statuses = pod.status?.containerStatuses ?? [];
  const container = statuses.find((c) => !c.ready) ?? statuses[0];
  if (!container) return [];
  const read = async (previous: boolean) =>
    clients.core.readNamespacedPodLog({
      name: pod.metadata!.name!,
      namespace,
      container: container.name,
      tailLines: lines,
      ...(previous ? { previous } : {}),
    });
  try {
    let text = await read(false);
    // A crash-looping container's current instance may not have printed anything yet.
    if (!text.trim() && container.restartCount > 0) text = await read(true);
    return text
      .split('\n')
      .filter((l) => l.length > 0)
      .slice(-lines);
  } catch {
    return [];
  }
}

/**
 * The release's pods that are not ready, each with its containers' states, its events and the
 * last lines of its log: what `kubectl describe pod` and `kubectl logs` would say.
 */
export async function describeUnreadyPods(
  clients: KubeClients,
  namespace: string,
  release: string,
  logLines = 10,
): Promise<UnreadyPod[]> {
  try {
    const pods = await clients.core.listNamespacedPod({
      namespace,
      labelSelector: releaseSelector(release),
    });
    const unready = pods.items.filter((p) => !isReady(p));
    return Promise.all(
      unready.map(async (pod) => ({
        name: pod.metadata?.name ?? '',
        component: componentOf(pod.metadata),
        phase: pod.status?.phase ?? 'Unknown',
        containers: containerLines(pod),
        events: await eventsOf(clients, namespace, pod.metadata?.name ?? '').catch(() => []),
        logTail: await logTail(clients, namespace, pod, logLines),
      })),
    );
  } catch (error) {
    throw apiError(error, `listing the pods of release ${release}`);
  }
}

/** Waiting reasons that mean a pod needs attention rather than time. */
const PROBLEM_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** A pod of the release in a state that will not fix itself soon. */
export interface PodProblem {
  readonly pod: string;
  readonly component: string;
  /** `CrashLoopBackOff`, `ImagePullBackOff`, `Unschedulable`… */
  readonly reason: string;
  readonly message: string;
}

/**
 * The release's pods that are stuck: a container waiting for a reason in PROBLEM_REASONS, or a
 * pod the scheduler cannot place (no node with the resources, an unbound volume claim).
 */
export async function podProblems(
  clients: KubeClients,
  namespace: string,
  release: string,
): Promise<PodProblem[]> {
  const pods = await clients.core.listNamespacedPod({
    namespace,
    labelSelector: releaseSelector(release),
  });
  return pods.items.flatMap((pod) => {
    const base = { pod: pod.metadata?.name ?? '', component: componentOf(pod.metadata) };
    const unschedulable = pod.status?.conditions?.find(
      (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
    );
    const waiting = (pod.status?.containerStatuses ?? [])
      .map((c) => ({ container: c.name, waiting: c.state?.waiting }))
      .filter((c) => PROBLEM_REASONS.has(c.waiting?.reason ?? ''));
    return [
      ...(unschedulable
        ? [{ ...base, reason: 'Unschedulable', message: unschedulable.message ?? '' }]
        : []),
      ...waiting.map((c) => ({
        ...base,
        reason: c.waiting!.reason!,
        message: `container ${c.container}${c.waiting!.message ? `: ${c.waiting!.message}` : ''}`,
      })),
    ];
  });
}

/** The unready pods as an indented report, for an error message or a terminal. */
export function formatUnreadyPods(pods: readonly UnreadyPod[]): string {
  return pods
    .map((p) =>
      [
        `  pod ${p.name} (${p.component}): ${p.phase}`,
        ...p.containers.map((c) => `    container ${c}`),
        ...(p.events.length ? ['    events:', ...p.events.map((e) => `      ${e}`)] : []),
        ...(p.logTail.length ? ['    last log lines:', ...p.logTail.map((l) => `      ${l}`)] : []),
      ].join('\n'),
    )
    .join('\n');
}
