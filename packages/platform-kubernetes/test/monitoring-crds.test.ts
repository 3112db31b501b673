import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
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
 * The chart's Prometheus Operator objects against a real kube-apiserver that serves the
 * Operator's CRDs: helm's "auto" finds them through the server's discovery, and the server
 * validates the PodMonitors and the PrometheusRule against the CRDs' schemas. Only Spark and the
 * rules are installed: no pod needs to become ready for this.
 */
describe('the Prometheus Operator objects of charts/datapark on a real kube-apiserver', () => {
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
    const only = ['postgresql', 'kafka', 'airflow', 'jupyter', 'superset', 'objectstore'].flatMap(
      (c) => ['--set', `${c}.enabled=false`],
    );
    const install = await execa(
      realHelm(),
      ['install', 'dp', CHART, '--namespace', 'datapark', ...only],
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
    expect((await list('podmonitors')).map((m) => m.metadata.name).sort()).toEqual([
      'dp-spark-master',
      'dp-spark-worker',
    ]);
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
});
