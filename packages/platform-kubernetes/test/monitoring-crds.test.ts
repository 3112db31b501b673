import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { execa } from 'execa';
import { realHelm } from './cluster-fixture.js';
import { startRealCluster, type RealCluster } from './real-control-plane.js';

/** The real umbrella chart (its generated files come from `nx run charts:sync-files`). */
const CHART = join(import.meta.dirname, '..', '..', '..', 'charts', 'datapark');
/** The Prometheus Operator's CRDs, from its Go module (tools/ci/monitoring.sh downloads it). */
const OPERATOR_VERSION = 'v0.85.0';
const CRDS = join(
  process.env['GOMODCACHE'] ?? join(homedir(), 'go', 'pkg', 'mod'),
  `github.com/prometheus-operator/prometheus-operator@${OPERATOR_VERSION}`,
  'example',
  'prometheus-operator-crd',
);
const GROUP = 'monitoring.coreos.com';

/**
 * The chart's monitoring against a real kube-apiserver that serves the Prometheus Operator's
 * CRDs: helm's "auto" finds them through the server's discovery, and the server validates every
 * chart's PodMonitor and the PrometheusRule against the CRDs' schemas. Then the in-chart
 * Prometheus, forced on in a namespace of its own: the real RBAC authorizer lets its service
 * account list and watch the pods of that namespace, as its service discovery does, and nothing
 * else. The stand-in kubelet plays the node.
 */
describe('the monitoring of charts/datapark on a real kube-apiserver', () => {
  let cluster: RealCluster | undefined;

  afterAll(async () => {
    await cluster?.close();
  });

  it('are rendered when the CRDs are served, and accepted by their schemas', async () => {
    for (const kind of ['podmonitors', 'prometheusrules'])
      if (!existsSync(join(CRDS, `${GROUP}_${kind}.yaml`)))
        throw new Error(
          `the Prometheus Operator's CRDs are not in ${CRDS}: run \`bash tools/ci/monitoring.sh\``,
        );
    cluster = await startRealCluster();
    const extensions = cluster.config.makeApiClient(ApiextensionsV1Api);
    for (const kind of ['podmonitors', 'prometheusrules']) {
      const crd = loadYaml<V1CustomResourceDefinition>(
        readFileSync(join(CRDS, `${GROUP}_${kind}.yaml`), 'utf8'),
      );
      await extensions.createCustomResourceDefinition({ body: crd });
    }
    // Established: the server serves the kinds (and lists them in discovery, which helm reads).
    const deadline = Date.now() + 60_000;
    for (const kind of ['podmonitors', 'prometheusrules'])
      while (
        !(
          await extensions.readCustomResourceDefinition({ name: `${kind}.${GROUP}` })
        ).status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
      ) {
        if (Date.now() > deadline) throw new Error(`${kind}.${GROUP} was not established in 60 s`);
        await new Promise((r) => setTimeout(r, 250));
      }

    const core = cluster.config.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'datapark' } } });
    // Every component with its metrics (Superset and the object store through their
    // statsd-exporter sidecars, Jupyter with its token), the brokers' JMX agent included.
    const install = await execa(
      realHelm(),
      [
        'install',
        'dp',
        CHART,
        '--namespace',
        'datapark',
        '--set',
        'kafka.metrics.enabled=true',
        '--set',
        'global.monitoring.podMonitorLabels.release=kube-prometheus-stack',
        '--timeout',
        '4m',
      ],
      { env: cluster.env, reject: false },
    );
    expect(install.stderr.replace(/^walk\.go.*\n?/gm, '')).toBe('');
    expect(install.exitCode).toBe(0);

    const custom = cluster.config.makeApiClient(CustomObjectsApi);
    const list = async (plural: string) =>
      (
        (await custom.listNamespacedCustomObject({
          group: GROUP,
          version: 'v1',
          namespace: 'datapark',
          plural,
        })) as { items: { metadata: { name: string }; spec: unknown }[] }
      ).items;
    const monitors = (await list('podmonitors')) as {
      metadata: { name: string; labels: Record<string, string> };
      spec: unknown;
    }[];
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([
      'dp-airflow-redis',
      'dp-airflow-statsd',
      'dp-jupyter',
      'dp-kafka',
      'dp-kafka-lag-exporter',
      'dp-monitoring-node-exporter',
      'dp-objectstore',
      'dp-postgresql',
      'dp-spark-master',
      'dp-spark-worker',
      'dp-spark-worker-applications',
      'dp-superset',
    ]);
    for (const monitor of monitors)
      expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    // The Operator's Prometheus scrapes: the release runs none of its own.
    const rbac = cluster.config.makeApiClient(RbacAuthorizationV1Api);
    expect((await rbac.listNamespacedRole({ namespace: 'datapark' })).items).toEqual([]);
    const [rule] = await list('prometheusrules');
    expect(rule?.metadata.name).toBe('dp-monitoring-rules');
    expect(JSON.stringify(rule?.spec)).toContain('"alert":"KafkaBrokerDown"');

    // The schemas are live: a PodMonitor with an interval Prometheus cannot read is refused.
    const refused = await custom
      .createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: 'datapark',
        plural: 'podmonitors',
        body: {
          apiVersion: `${GROUP}/v1`,
          kind: 'PodMonitor',
          metadata: { name: 'bad-interval' },
          spec: { selector: {}, podMetricsEndpoints: [{ port: 'ui', interval: '30 seconds' }] },
        },
      })
      .then(
        () => 'accepted',
        (error: unknown) => String((error as { body?: unknown }).body),
      );
    expect(refused).toMatch(/podMetricsEndpoints\[0\]\.interval/);
  }, 300_000);

  it("lets the in-chart Prometheus' service account list and watch its namespace's pods, and nothing else", async () => {
    if (!cluster) throw new Error('the cluster of the test above did not start');
    const core = cluster.config.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'lab' } } });
    // Forced on beside the Operator's CRDs; Spark alone gives it pods to find.
    const install = await execa(
      realHelm(),
      [
        'install',
        'dp',
        CHART,
        '--namespace',
        'lab',
        '--set',
        'global.monitoring.inChartPrometheus=true',
        ...['postgresql', 'kafka', 'airflow', 'jupyter', 'superset', 'objectstore'].flatMap((c) => [
          '--set',
          `${c}.enabled=false`,
        ]),
      ],
      { env: cluster.env, reject: false },
    );
    expect(install.stderr.replace(/^walk\.go.*\n?/gm, '')).toBe('');
    expect(install.exitCode).toBe(0);

    const account = 'system:serviceaccount:lab:dp-monitoring-prometheus';
    const authz = cluster.config.makeApiClient(AuthorizationV1Api);
    const may = async (verb: string, resource: string, namespace?: string) =>
      (
        await authz.createSubjectAccessReview({
          body: {
            spec: {
              user: account,
              groups: [
                'system:serviceaccounts',
                'system:serviceaccounts:lab',
                'system:authenticated',
              ],
              resourceAttributes: { verb, resource, ...(namespace ? { namespace } : {}) },
            },
          },
        })
      ).status?.allowed === true;
    const decisions = {
      'list pods in lab': await may('list', 'pods', 'lab'),
      'watch pods in lab': await may('watch', 'pods', 'lab'),
      'list pods in datapark': await may('list', 'pods', 'datapark'),
      'list pods in every namespace': await may('list', 'pods'),
      'get secrets in lab': await may('get', 'secrets', 'lab'),
      'list endpoints in lab': await may('list', 'endpoints', 'lab'),
      'list nodes': await may('list', 'nodes'),
      'delete pods in lab': await may('delete', 'pods', 'lab'),
    };
    expect(decisions).toEqual({
      'list pods in lab': true,
      'watch pods in lab': true,
      'list pods in datapark': false,
      'list pods in every namespace': false,
      'get secrets in lab': false,
      'list endpoints in lab': false,
      'list nodes': false,
      'delete pods in lab': false,
    });

    // As the service account itself, with a token the API server issues for it: the list its
    // discovery of the spark-master job makes finds the master's pod; another namespace is refused.
    const token = (
      await core.createNamespacedServiceAccountToken({
        name: 'dp-monitoring-prometheus',
        namespace: 'lab',
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      })
    ).status?.token;
    const server = cluster.config.getCurrentCluster()!.server;
    const asPrometheus = new KubeConfig();
    asPrometheus.loadFromOptions({
      clusters: [{ name: 'real', server, skipTLSVerify: true }],
      users: [{ name: 'prometheus', token }],
      contexts: [{ name: 'real', cluster: 'real', user: 'prometheus' }],
      currentContext: 'real',
    });
    const itsCore = asPrometheus.makeApiClient(CoreV1Api);
    const pods = await itsCore.listNamespacedPod({
      namespace: 'lab',
      labelSelector:
        'app.kubernetes.io/instance=dp,app.kubernetes.io/name=spark,app.kubernetes.io/component=master',
    });
    expect(pods.items.map((p) => p.metadata?.name?.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''))).toEqual([
      'dp-spark-master',
    ]);
    const elsewhere = await itsCore.listNamespacedPod({ namespace: 'datapark' }).then(
      () => 'listed',
      (error: unknown) => (error as { code?: number }).code,
    );
    expect(elsewhere).toBe(403);
  }, 300_000);
});
