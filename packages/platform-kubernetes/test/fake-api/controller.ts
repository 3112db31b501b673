import { createHash } from 'node:crypto';
import type { KubeObject, ObjectStore, ResourceType } from './object-store.js';

export interface FakeControllerOptions {
  /** How long after a Deployment or StatefulSet appears its pods become ready; default 300 ms. */
  readonly readyAfterMs?: number;
  /** How long after a Job appears it succeeds; default 100 ms (helm waits for hook Jobs). */
  readonly jobsSucceedAfterMs?: number;
  /** Workloads whose pods never become ready (crash-looping), for the timeout tests. */
  readonly neverReady?: (workload: KubeObject) => boolean;
  /**
   * While this returns true, Deployments, StatefulSets and DaemonSets stay unready (Jobs are not held), so a
   * test can let them become ready after it has seen them unready, whatever the machine's speed.
   */
  readonly holdReady?: () => boolean;
}

type Spec = Record<string, unknown>;
const specOf = (o: KubeObject): Spec => (o['spec'] as Spec | undefined) ?? {};
const templateOf = (o: KubeObject): { metadata?: KubeObject['metadata']; spec?: Spec } =>
  (specOf(o)['template'] as { metadata?: KubeObject['metadata']; spec?: Spec } | undefined) ?? {};
const containersOf = (pod: KubeObject): { name: string; image?: string }[] =>
  (specOf(pod)['containers'] as { name: string; image?: string }[] | undefined) ?? [];
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Plays the workload controllers and the kubelet, enough for readiness: Deployments,
 * StatefulSets and DaemonSets (one node) get Pods from their templates (StatefulSets also their PVCs from
 * volumeClaimTemplates), Jobs get one Pod that succeeds; Pods turn Ready `readyAfterMs` after
 * their workload appeared, and workloads' status counts them. A workload chosen by `neverReady`
 * gets crash-looping Pods, Warning Events and logs that say why, as a kubelet would report them.
 * Deployments own their Pods directly (no ReplicaSet in between): nothing here looks at
 * ReplicaSets.
 */
export class FakeController {
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private readonly firstSeen = new Map<string, number>();
  private readonly readyAfterMs: number;
  private readonly jobsSucceedAfterMs: number;
  private readonly neverReady: (workload: KubeObject) => boolean;
  private readonly holdReady: () => boolean;

  constructor(
    private readonly store: ObjectStore,
    private readonly typeOf: (resource: string) => ResourceType,
    options: FakeControllerOptions,
  ) {
    this.readyAfterMs = options.readyAfterMs ?? 300;
    this.jobsSucceedAfterMs = options.jobsSucceedAfterMs ?? 100;
    this.neverReady = options.neverReady ?? (() => false);
    this.holdReady = options.holdReady ?? (() => false);
  }

  start(): void {
    this.timer = setInterval(() => this.reconcile(), 50);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reconcile soon (after a write), rather than at the next tick. */
  kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.reconcile();
    });
  }

  /** What the pod's containers printed, as `kubectl logs` would show it. */
  logsOf(pod: KubeObject): string[] {
    const name = pod.metadata.name!;
    const crashing = pod.metadata.annotations?.['fake.datapark.dev/crash-looping'] === 'true';
    const container = containersOf(pod)[0]?.name ?? 'main';
    return crashing
      ? [
          `${container}: starting ${name}`,
          `${container}: waiting for the database at postgres:5432`,
          `${container}: FATAL: password authentication failed for user "datapark_owner"`,
        ]
      : [`${container}: starting ${name}`, `${container}: ready`];
  }

  private reconcile(): void {
    for (const d of this.store.list(this.typeOf('deployments.apps'))) this.deployment(d);
    for (const s of this.store.list(this.typeOf('statefulsets.apps'))) this.statefulSet(s);
    for (const d of this.store.list(this.typeOf('daemonsets.apps'))) this.daemonSet(d);
    for (const j of this.store.list(this.typeOf('jobs.batch'))) this.job(j);
  }

  private ready(workload: KubeObject): boolean {
    const uid = workload.metadata.uid!;
    if (!this.firstSeen.has(uid)) this.firstSeen.set(uid, Date.now());
    if (this.neverReady(workload)) return false;
    if (workload.kind !== 'Job' && this.holdReady()) return false;
    const after = workload.kind === 'Job' ? this.jobsSucceedAfterMs : this.readyAfterMs;
    return Date.now() - this.firstSeen.get(uid)! >= after;
  }

  private ownedPods(owner: KubeObject): KubeObject[] {
    return this.store
      .list(this.typeOf('pods'), owner.metadata.namespace)
      .filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === owner.metadata.uid));
  }

  private createPod(owner: KubeObject, name: string, extraLabels: Record<string, string>): void {
    const template = templateOf(owner);
    this.store.create(this.typeOf('pods'), {
      metadata: {
        name,
        namespace: owner.metadata.namespace!,
        labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
        annotations: { ...(template.metadata?.annotations ?? {}) },
        ownerReferences: [
          {
            apiVersion: owner.apiVersion!,
            kind: owner.kind!,
            name: owner.metadata.name!,
            uid: owner.metadata.uid!,
          },
        ],
      },
      spec: { ...(template.spec ?? {}), nodeName: 'fake-node' },
      status: { phase: 'Pending' },
    });
  }

  /** Sets a pod's status (and, once, the Events of a crash loop) from the workload's health. */
  private setPodState(
    pod: KubeObject,
    state: 'ready' | 'starting' | 'crashing' | 'succeeded',
  ): void {
    const containers = containersOf(pod);
    const ready = state === 'ready';
    const status = {
      phase: state === 'succeeded' ? 'Succeeded' : 'Running',
      hostIP: '10.0.0.1',
      podIP: `10.244.0.${(parseInt(pod.metadata.uid!.slice(0, 2), 16) % 250) + 2}`,
      conditions: ['Initialized', 'ContainersReady', 'Ready', 'PodScheduled'].map((type) => ({
        type,
        status: ready || type === 'Initialized' || type === 'PodScheduled' ? 'True' : 'False',
      })),
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image ?? '',
        ready,
        started: state !== 'crashing',
        restartCount: state === 'crashing' ? 4 : 0,
        state:
          state === 'crashing'
            ? {
                waiting: {
                  reason: 'CrashLoopBackOff',
                  message: `back-off 1m20s restarting failed container=${c.name} pod=${pod.metadata.name}`,
                },
              }
            : state === 'succeeded'
              ? { terminated: { exitCode: 0, reason: 'Completed' } }
              : { running: { startedAt: now() } },
      })),
    };
    const current = pod['status'] as {
      phase?: string;
      containerStatuses?: { ready: boolean; restartCount: number }[];
    };
    const same =
      current?.phase === status.phase &&
      JSON.stringify(current?.containerStatuses?.map((c) => [c.ready, c.restartCount])) ===
        JSON.stringify(status.containerStatuses.map((c) => [c.ready, c.restartCount]));
    if (same) return;
    const annotations = { ...(pod.metadata.annotations ?? {}) };
    if (state === 'crashing') annotations['fake.datapark.dev/crash-looping'] = 'true';
    const stored = this.store.replace(this.typeOf('pods'), {
      ...pod,
      metadata: { ...pod.metadata, annotations },
      status,
    });
    if (state === 'crashing') this.crashEvents(stored);
  }

  private crashEvents(pod: KubeObject): void {
    const container = containersOf(pod)[0]?.name ?? 'main';
    const events: [string, string][] = [
      [
        'Unhealthy',
        `Readiness probe failed: dial tcp ${String((pod['status'] as { podIP?: string }).podIP)}:5432: connect: connection refused`,
      ],
      [
        'BackOff',
        `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      ],
    ];
    for (const [reason, message] of events) {
      this.store.create(this.typeOf('events'), {
        metadata: {
          name: `${pod.metadata.name}.${createHash('sha1')
            .update(reason + pod.metadata.uid)
            .digest('hex')
            .slice(0, 16)}`,
          namespace: pod.metadata.namespace!,
        },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          name: pod.metadata.name,
          namespace: pod.metadata.namespace,
          uid: pod.metadata.uid,
          fieldPath: `spec.containers{${container}}`,
        },
        reason,
        message,
        type: 'Warning',
        count: 4,
        firstTimestamp: now(),
        lastTimestamp: now(),
        source: { component: 'kubelet', host: 'fake-node' },
      });
    }
  }

  private setWorkloadStatus(workload: KubeObject, status: Record<string, unknown>): void {
    const current = workload['status'];
    if (JSON.stringify(current) === JSON.stringify(status)) return;
    const type = workload.kind === 'Job' ? 'jobs.batch' : `${workload.kind!.toLowerCase()}s.apps`;
    this.store.replace(this.typeOf(type), { ...workload, status });
  }

  private podState(workload: KubeObject): 'ready' | 'starting' | 'crashing' {
    if (this.ready(workload)) return 'ready';
    return this.neverReady(workload) ? 'crashing' : 'starting';
  }

  private deployment(d: KubeObject): void {
    const desired = (specOf(d)['replicas'] as number | undefined) ?? 1;
    const hash = createHash('sha1')
      .update(JSON.stringify(templateOf(d)))
      .digest('hex')
      .slice(0, 10);
    let pods = this.ownedPods(d);
    for (const pod of pods.filter((p) => p.metadata.labels?.['pod-template-hash'] !== hash)) {
      this.store.remove(this.typeOf('pods'), pod.metadata.namespace, pod.metadata.name!);
    }
    pods = this.ownedPods(d);
    for (const extra of pods.slice(desired)) {
      this.store.remove(this.typeOf('pods'), extra.metadata.namespace, extra.metadata.name!);
    }
    for (let i = pods.length; i < desired; i++) {
      const suffix = Math.random().toString(36).slice(2, 7);
      this.createPod(d, `${d.metadata.name}-${hash}-${suffix}`, { 'pod-template-hash': hash });
    }
    const state = this.podState(d);
    for (const pod of this.ownedPods(d)) this.setPodState(pod, state);
    const ready = state === 'ready' ? desired : 0;
    this.setWorkloadStatus(d, {
      observedGeneration: d.metadata.generation,
      replicas: desired,
      updatedReplicas: desired,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(ready < desired ? { unavailableReplicas: desired - ready } : {}),
      conditions: [
        {
          type: 'Available',
          status: ready >= desired ? 'True' : 'False',
          reason: ready >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    });
  }

  private statefulSet(s: KubeObject): void {
    const desired = (specOf(s)['replicas'] as number | undefined) ?? 1;
    const name = s.metadata.name!;
    const selector =
      (specOf(s)['selector'] as { matchLabels?: Record<string, string> } | undefined)
        ?.matchLabels ?? {};
    const claims =
      (specOf(s)['volumeClaimTemplates'] as
        | { metadata: { name: string; labels?: Record<string, string> }; spec?: Spec }[]
        | undefined) ?? [];
    const pods = this.ownedPods(s);
    for (let i = 0; i < desired; i++) {
      for (const claim of claims) {
        const claimName = `${claim.metadata.name}-${name}-${i}`;
        // The StatefulSet controller labels claims with the template's and the selector's labels,
        // and never deletes them: they outlive the StatefulSet (and a helm uninstall).
        if (
          !this.store.get(this.typeOf('persistentvolumeclaims'), s.metadata.namespace, claimName)
        ) {
          this.store.create(this.typeOf('persistentvolumeclaims'), {
            metadata: {
              name: claimName,
              namespace: s.metadata.namespace!,
              labels: { ...(claim.metadata.labels ?? {}), ...selector },
            },
            spec: claim.spec ?? {},
            status: { phase: 'Bound' },
          });
        }
      }
      const podName = `${name}-${i}`;
      if (!pods.some((p) => p.metadata.name === podName)) {
        this.createPod(s, podName, {
          'statefulset.kubernetes.io/pod-name': podName,
          'apps.kubernetes.io/pod-index': String(i),
        });
      }
    }
    for (const pod of pods.filter(
      (p) => Number(p.metadata.name!.slice(name.length + 1)) >= desired,
    )) {
      this.store.remove(this.typeOf('pods'), pod.metadata.namespace, pod.metadata.name!);
    }
    const state = this.podState(s);
    for (const pod of this.ownedPods(s)) this.setPodState(pod, state);
    const ready = state === 'ready' ? desired : 0;
    this.setWorkloadStatus(s, {
      observedGeneration: s.metadata.generation,
      replicas: desired,
      currentReplicas: desired,
      updatedReplicas: desired,
      readyReplicas: ready,
      availableReplicas: ready,
    });
  }

  /** One node (`fake-node`), so one pod, as the DaemonSet controller schedules it itself. */
  private daemonSet(d: KubeObject): void {
    const hash = createHash('sha1')
      .update(JSON.stringify(templateOf(d)))
      .digest('hex')
      .slice(0, 10);
    for (const pod of this.ownedPods(d).filter(
      (p) => p.metadata.labels?.['controller-revision-hash'] !== hash,
    )) {
      this.store.remove(this.typeOf('pods'), pod.metadata.namespace, pod.metadata.name!);
    }
    if (this.ownedPods(d).length === 0) {
      const suffix = Math.random().toString(36).slice(2, 7);
      this.createPod(d, `${d.metadata.name}-${suffix}`, { 'controller-revision-hash': hash });
    }
    const state = this.podState(d);
    for (const pod of this.ownedPods(d)) this.setPodState(pod, state);
    const ready = state === 'ready' ? 1 : 0;
    this.setWorkloadStatus(d, {
      observedGeneration: d.metadata.generation,
      currentNumberScheduled: 1,
      desiredNumberScheduled: 1,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      updatedNumberScheduled: 1,
      ...(ready ? {} : { numberUnavailable: 1 }),
    });
  }

  private job(j: KubeObject): void {
    const pods = this.ownedPods(j);
    if (pods.length === 0) {
      const suffix = Math.random().toString(36).slice(2, 7);
      this.createPod(j, `${j.metadata.name}-${suffix}`, {
        'batch.kubernetes.io/job-name': j.metadata.name!,
      });
      return;
    }
    const state = this.podState(j);
    for (const pod of pods) this.setPodState(pod, state === 'ready' ? 'succeeded' : state);
    if (state === 'ready') {
      this.setWorkloadStatus(j, {
        startTime: j.metadata.creationTimestamp,
        completionTime:
          (j['status'] as { completionTime?: string } | undefined)?.completionTime ?? now(),
        succeeded: 1,
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True' },
          { type: 'Complete', status: 'True' },
        ],
      });
    } else {
      this.setWorkloadStatus(j, { startTime: j.metadata.creationTimestamp, active: 1 });
    }
  }
}
