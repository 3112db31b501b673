import { join } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  loadYaml,
  type V1DaemonSet,
  type V1Secret,
} from '@kubernetes/client-node';
import { execa } from 'execa';
import { loadConfig } from '@datapark/config';
import { DEFAULT_PROFILE_COMPONENTS, realHelm, recordingReporter } from './cluster-fixture.js';
import { startRealCluster, type RealCluster } from './real-control-plane.js';

/** The real umbrella chart (its generated files come from `nx run charts:sync-files`). */
const CHART = join(import.meta.dirname, '..', '..', '..', 'charts', 'datapark');

/**
 * The same install / status / uninstall as real-chart.test.ts, but against a real
 * kube-apiserver and kube-controller-manager (built by tools/ci/kube.sh), so what the fake API
 * server cannot judge is judged here: server-side validation of every object, the Pod Security
 * admission of every pod, helm's `lookup` of the generated Secrets on upgrade, the real
 * controllers' statuses and garbage collection.
 */
describe('charts/datapark on a real kube-apiserver (Kubernetes v1.35)', () => {
  let cluster: RealCluster | undefined;

  afterAll(async () => {
    await cluster?.close();
  });

  const diagnose = (error: unknown): never => {
    const detail = ['kube-apiserver', 'kube-controller-manager']
      .map((c) => `── ${c}:\n${cluster?.log(c) ?? ''}`)
      .join('\n');
    throw new Error(
      `${(error as Error).message}\nstand-in kubelet: ${cluster?.kubelet.lastError() ?? 'no error'}\n${detail}`,
    );
  };

  it('installs into a namespace that enforces Pod Security "restricted", upgrades with the same generated passwords, reports status, and uninstalls keeping the data', async () => {
    cluster = await startRealCluster();
    const core = cluster.config.makeApiClient(CoreV1Api);
    const apps = cluster.config.makeApiClient(AppsV1Api);
    // A pod that breaks "restricted" is refused by admission: its workload would never be ready.
    await core.createNamespace({
      body: {
        metadata: {
          name: 'datapark',
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'v1.35',
          },
        },
      },
    });
    // The admission is live: a pod that may run as root is refused, naming the policy.
    const refused = await core
      .createNamespacedPod({
        namespace: 'datapark',
        body: {
          metadata: { name: 'root-probe' },
          spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] },
        },
      })
      .then(
        () => 'admitted',
        (error: unknown) =>
          (JSON.parse(String((error as { body?: unknown }).body)) as { message: string }).message,
      );
    expect(refused).toMatch(
      /^pods "root-probe" is forbidden: violates PodSecurity "restricted:v1.35"/,
    );

    const reporter = recordingReporter();
    const platform = cluster.platform({ chart: CHART, reporter, portForward: 'always' });
    // The node exporter's hostPath mounts of the node's /proc, /sys and / are what "restricted"
    // (and "baseline") refuse: a pod of its DaemonSet's template is refused here for them alone,
    // so such a namespace turns it off, as the README says.
    const daemonSet = loadYaml<V1DaemonSet>(
      (
        await execa(realHelm(), [
          'template',
          'dp',
          CHART,
          '--namespace',
          'datapark',
          '--show-only',
          'charts/monitoring/templates/node-exporter/node-exporter-daemonset.yaml',
        ])
      ).stdout,
    );
    const nodeExporter = await core
      .createNamespacedPod({
        namespace: 'datapark',
        body: { metadata: { name: 'node-exporter-probe' }, spec: daemonSet.spec!.template.spec! },
      })
      .then(
        () => 'admitted',
        (error: unknown) =>
          (JSON.parse(String((error as { body?: unknown }).body)) as { message: string }).message,
      );
    // Its hostPath volumes, and nothing else of "restricted".
    expect(nodeExporter).toBe(
      'pods "node-exporter-probe" is forbidden: violates PodSecurity "restricted:v1.35": restricted volume types (volumes "proc", "sys", "root" use restricted volume type "hostPath")',
    );
    const set = ['monitoring.nodeExporter.enabled=false'];

    const result = await platform.install({ set, timeoutMs: 420_000 }).catch(diagnose);

    expect(result.components.map((c) => `${c.component} ${c.ready}/${c.desired}`).sort()).toEqual(
      DEFAULT_PROFILE_COMPONENTS.filter((c) => !c.startsWith('monitoring-node-exporter ')),
    );
    // Every pod was admitted under "restricted" and created by the real controllers.
    const pods = await core.listNamespacedPod({ namespace: 'datapark' });
    const running = pods.items.filter((p) => p.status?.phase === 'Running');
    expect(running).toHaveLength(22);
    for (const pod of running) {
      expect([pod.metadata?.name, pod.metadata?.ownerReferences?.[0]?.kind]).toEqual([
        pod.metadata?.name,
        expect.stringMatching(/^(ReplicaSet|StatefulSet)$/),
      ]);
    }
    // The post-install hooks' Jobs completed (their pods succeeded) and helm deleted them.
    expect(
      (await core.listNamespacedEvent({ namespace: 'datapark' })).items.some(
        (e) => e.involvedObject.kind === 'Job' && e.reason === 'Completed',
      ),
    ).toBe(true);

    const secretValue = (secrets: V1Secret[], name: string, key: string) =>
      Buffer.from(secrets.find((s) => s.metadata?.name === name)!.data![key]!, 'base64').toString();
    const before = (await core.listNamespacedSecret({ namespace: 'datapark' })).items;
    const config = loadConfig({ endpointsFile: cluster.endpointsFile, env: {} });
    expect(config.postgres.roles.ingest.password).toBe(
      secretValue(before, 'dp-postgresql', 'ingest-password'),
    );
    expect(config.airflow.password).toBe(secretValue(before, 'dp-airflow', 'admin-password'));
    // The key the Spark REST server checks signatures with reaches the learner's clients too.
    expect(config.spark.restSecret).toBe(secretValue(before, 'dp-spark', 'rest-secret'));
    expect(Buffer.from(config.spark.restSecret!, 'base64url').length).toBeGreaterThanOrEqual(32);
    // The object store's keys too, for the S3 clients and lakeSparkConf.
    expect(config.s3.secretAccessKey).toBe(
      secretValue(before, 'dp-objectstore', 'secret-access-key'),
    );

    // An upgrade renders again: the chart's `lookup` finds the Secrets and keeps every password.
    await platform.install({ set, timeoutMs: 300_000 }).catch(diagnose);
    const after = (await core.listNamespacedSecret({ namespace: 'datapark' })).items;
    for (const [name, key] of [
      ['dp-postgresql', 'ingest-password'],
      ['dp-postgresql', 'spark_etl-password'],
      ['dp-airflow', 'admin-password'],
      ['dp-airflow', 'redis-password'],
      ['dp-jupyter', 'token'],
      ['dp-spark', 'rest-secret'],
      ['dp-superset', 'secret-key'],
      ['dp-superset', 'admin-password'],
      ['dp-postgresql', 'superset_reader-password'],
      ['dp-objectstore', 'access-key-id'],
      ['dp-objectstore', 'secret-access-key'],
      ['dp-postgresql', 'iceberg-password'],
    ] as const) {
      expect([name, key, secretValue(after, name, key)]).toEqual([
        name,
        key,
        secretValue(before, name, key),
      ]);
    }

    const status = await platform.status();
    expect(status).toMatchObject({ helmStatus: 'deployed', revision: 2 });
    expect(status.components.every((c) => c.done)).toBe(true);

    const uninstalled = await platform.uninstall();

    expect(uninstalled.removed).toBe(true);
    // The StatefulSet controller made one claim per replica; they outlive the release.
    expect([...uninstalled.keptClaims].sort()).toEqual(
      expect.arrayContaining(['data-dp-kafka-0', 'data-dp-kafka-1', 'data-dp-kafka-2']),
    );
    // The garbage collector removes the ReplicaSets and pods of what helm deleted.
    const deadline = Date.now() + 120_000;
    let left: string[] = [];
    do {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const [podList, replicaSets] = await Promise.all([
        core.listNamespacedPod({ namespace: 'datapark' }),
        apps.listNamespacedReplicaSet({ namespace: 'datapark' }),
      ]);
      left = [...podList.items, ...replicaSets.items].map((o) => o.metadata?.name ?? '');
    } while (left.length > 0 && Date.now() < deadline);
    expect(left).toEqual([]);
    expect((await platform.status()).components).toEqual([]);

    // Deleting a claim only marks it; purge waits until the real claim protection releases it.
    await platform.uninstall({ purge: true });
    expect(
      (await core.listNamespacedPersistentVolumeClaim({ namespace: 'datapark' })).items,
    ).toEqual([]);
    expect(reporter.lines).toContain('done kubernetes: purged the volumes and secrets of dp');
  }, 900_000);
});
