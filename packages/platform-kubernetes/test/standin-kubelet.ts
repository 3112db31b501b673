import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubeConfig, type V1Pod, type V1PodStatus } from '@kubernetes/client-node';

/**
 * What a kubelet would do for these tests, against a real kube-apiserver and
 * kube-controller-manager: no container can run here, so it registers one Ready Node, binds
 * every pending pod to it (there is no scheduler), reports each bound pod Running and Ready (a
 * Job's pod Succeeded), and confirms the graceful deletion of pods being deleted. Everything else
 * (ReplicaSets, StatefulSet pods and claims, Job completion, garbage collection, admission) is
 * the real control plane's.
 */
export interface StandInKubelet {
  readonly nodeName: string;
  /** The last API error of its loop, if any (conflicts are retried on the next pass). */
  readonly lastError: () => string | undefined;
  close(): Promise<void>;
}

const POD_CONDITIONS = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'] as const;

export async function startStandInKubelet(
  config: KubeConfig,
  nodeName = 'datapark-standin',
  intervalMs = 250,
): Promise<StandInKubelet> {
  const core = config.makeApiClient(CoreV1Api);
  const now = new Date();
  const node = await core.createNode({
    body: {
      metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName } },
    },
  });
  node.status = {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'stand-in kubelet of the Data Park tests',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
    capacity: { cpu: '32', memory: '128Gi', pods: '250' },
    allocatable: { cpu: '32', memory: '128Gi', pods: '250' },
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
  };
  await core.replaceNodeStatus({ name: nodeName, body: node });

  let lastError: string | undefined;
  let nextIp = 2;
  let closed = false;

  const statusFor = (pod: V1Pod): V1PodStatus => {
    const at = new Date();
    const ip = `127.0.1.${nextIp++ % 250}`;
    const completes = (pod.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Job');
    const terminated = { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at };
    return {
      phase: completes ? 'Succeeded' : 'Running',
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: at,
      conditions: POD_CONDITIONS.map((type) => ({
        type,
        status: completes && (type === 'Ready' || type === 'ContainersReady') ? 'False' : 'True',
        lastTransitionTime: at,
        ...(completes && type === 'Ready' ? { reason: 'PodCompleted' } : {}),
      })),
      initContainerStatuses: (pod.spec?.initContainers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready: true,
        restartCount: 0,
        state: { terminated },
      })),
      containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready: !completes,
        started: !completes,
        restartCount: 0,
        state: completes ? { terminated } : { running: { startedAt: at } },
      })),
    };
  };

  const pass = async (): Promise<void> => {
    const pods = await core.listPodForAllNamespaces();
    for (const pod of pods.items) {
      const name = pod.metadata?.name ?? '';
      const namespace = pod.metadata?.namespace ?? '';
      const key = `${namespace}/${name}`;
      try {
        if (pod.metadata?.deletionTimestamp) {
          // A bound pod's deletion waits for its kubelet to say the containers are gone.
          if (pod.spec?.nodeName) {
            await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
          }
        } else if (!pod.spec?.nodeName) {
          await core.createNamespacedPodBinding({
            name,
            namespace,
            body: { metadata: { name }, target: { kind: 'Node', name: nodeName } },
          });
        } else if (!pod.status?.phase || pod.status.phase === 'Pending') {
          await core.replaceNamespacedPodStatus({
            name,
            namespace,
            body: { ...pod, status: statusFor(pod) },
          });
        }
      } catch (error) {
        lastError = `${key}: ${(error as Error).message.split('\n')[0]}`;
      }
    }
  };

  const loop = (async () => {
    while (!closed) {
      await pass().catch((error: unknown) => {
        lastError = (error as Error).message.split('\n')[0];
      });
      await sleep(intervalMs);
    }
  })();

  return {
    nodeName,
    lastError: () => lastError,
    async close() {
      closed = true;
      await loop;
    },
  };
}
