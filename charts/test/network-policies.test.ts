import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  egressOf,
  egressProblems,
  ingressAllowed as allowed,
  policiesOf,
} from './fixtures/network.js';
import type { PolicySpec } from './fixtures/network.js';
import { podsOf } from './fixtures/pods.js';
import type { Pod } from './fixtures/pods.js';
import { CHART, PROFILES, parseManifests, renderProfile, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// Evaluates the rendered NetworkPolicies as a cluster would (fixtures/network.ts), both ways.
// In: may a pod with `from` labels open a connection to port `port` of the pod `to`? The matrix
// of shared/DESIGN.md's integration points: every listed peer may, nobody else may. Out: what
// may each pod of each profile reach? Its release's pods and the cluster's DNS pods, nothing
// else, unless a value opts in.

const CLIENT = { 'datapark.io/client': 'true' };
const STRANGER = { app: 'something-else' };

const id = (pod: Pod) =>
  `${pod.labels['app.kubernetes.io/name']}/${pod.labels['app.kubernetes.io/component']}`;

// destination (chart/component), port, the sources that may connect (chart/component, or
// "client" for pods labelled datapark.io/client=true).
const MATRIX: [string, number, string[]][] = [
  [
    'postgresql/postgresql',
    5432,
    [
      'postgresql/init',
      'airflow/api-server',
      'airflow/scheduler',
      'airflow/dag-processor',
      'airflow/triggerer',
      'airflow/worker',
      'airflow/migrations',
      'spark/worker',
      'jupyter/jupyter',
      'superset/superset',
      'superset/init',
      'client',
    ],
  ],
  [
    'kafka/broker',
    9092,
    [
      'kafka/broker',
      'kafka/topics',
      'kafka/lag-exporter',
      'spark/worker',
      'jupyter/jupyter',
      'client',
    ],
  ],
  ['kafka/broker', 9093, ['kafka/broker']],
  ['spark/master', 7077, ['spark/worker', 'jupyter/jupyter']],
  ['spark/master', 6066, ['airflow/worker', 'airflow/triggerer', 'jupyter/jupyter', 'client']],
  [
    'spark/master',
    8080,
    ['airflow/worker', 'airflow/triggerer', 'jupyter/jupyter', 'client', 'monitoring/prometheus'],
  ],
  ['spark/history', 18080, ['airflow/worker', 'jupyter/jupyter', 'client']],
  [
    'airflow/api-server',
    8080,
    [
      'airflow/scheduler',
      'airflow/dag-processor',
      'airflow/triggerer',
      'airflow/worker',
      'jupyter/jupyter',
      'client',
    ],
  ],
  ['airflow/redis', 6379, ['airflow/scheduler', 'airflow/worker']],
  // The exporters: the scraping Prometheus (the release's own here), on their metrics port only.
  ['postgresql/postgresql', 9187, ['monitoring/prometheus']],
  ['airflow/redis', 9121, ['monitoring/prometheus']],
  ['airflow/statsd', 9102, ['monitoring/prometheus']],
  ['kafka/lag-exporter', 9308, ['monitoring/prometheus']],
  ['monitoring/node-exporter', 9100, ['monitoring/prometheus']],
  // The object store's and Superset's statsd-exporter sidecars (their StatsD stays in the pod).
  ['objectstore/objectstore', 9102, ['monitoring/prometheus']],
  ['superset/superset', 9102, ['monitoring/prometheus']],
  [
    'airflow/statsd',
    9125,
    [
      'airflow/api-server',
      'airflow/scheduler',
      'airflow/dag-processor',
      'airflow/triggerer',
      'airflow/worker',
    ],
  ],
  ['monitoring/prometheus', 9090, ['client']],
  ['monitoring/alertmanager', 9093, ['monitoring/prometheus', 'client']],
  ['airflow/worker', 8793, ['airflow/api-server']],
  // jupyter_server's /metrics is on its HTTP port (behind the token): the scraping Prometheus.
  ['jupyter/jupyter', 8888, ['monitoring/prometheus']],
  ['jupyter/jupyter', 29413, ['spark/worker']],
  ['superset/superset', 8088, []],
  // The lake's files: the drivers and executors (on the workers), the PySpark kernel, the
  // Airflow workers' tasks, and the Job that creates the buckets. Not the clients by default.
  [
    'objectstore/objectstore',
    7070,
    ['objectstore/init', 'spark/worker', 'jupyter/jupyter', 'airflow/worker'],
  ],
];

describe('NetworkPolicies: exactly the integration points of shared/DESIGN.md', () => {
  let pods: Pod[] = [];
  let policies: Manifest[] = [];
  beforeAll(async () => {
    const { manifests } = await renderProfile('default');
    pods = podsOf(manifests);
    policies = policiesOf(manifests);
  });

  it.each(MATRIX)('%s:%i accepts exactly its peers', (target, port, peers) => {
    const to = pods.find((p) => id(p) === target);
    if (!to) throw new Error(`no pod ${target}`);
    const sources = [
      ...new Map(pods.map((p) => [id(p), p.labels])).entries(),
      ['client', CLIENT] as const,
      ['stranger', STRANGER] as const,
    ];
    const admitted = sources
      .filter(([, labels]) => allowed(policies, labels, to, port))
      .map(([name]) => name);
    expect(admitted.sort()).toEqual([...peers].sort());
  });

  it("denies a pod that nothing selects (the release's default deny covers every pod)", () => {
    for (const pod of pods)
      for (const port of [22, 5432, 9092]) {
        if (allowed(policies, STRANGER, pod, port))
          throw new Error(`${id(pod)}:${port} admits a stranger`);
      }
  });

  it("lets the platform's clients reach the object store only on opt-in (objectstore.networkPolicy.allowClients)", async () => {
    const manifests = parseManifests(
      await renderYaml(['--set', 'objectstore.networkPolicy.allowClients=true']),
    );
    const store = podsOf(manifests).find((p) => id(p) === 'objectstore/objectstore')!;
    const open = policiesOf(manifests);
    expect(allowed(open, CLIENT, store, 7070)).toBe(true);
    expect(allowed(open, STRANGER, store, 7070)).toBe(false);
    expect(allowed(policies, CLIENT, store, 7070)).toBe(false);
  });

  it('lets the ingress controller reach exactly the UIs when the Ingress is on', async () => {
    const { manifests } = await renderProfile('ha');
    const haPolicies = policiesOf(manifests);
    const fromIngress = haPolicies.flatMap((p) =>
      ((p.spec as unknown as PolicySpec).ingress ?? [])
        // The ingress controller's namespace (the Prometheus namespace is monitoring.test.ts').
        .filter((r) =>
          r.from?.some(
            (peer) =>
              JSON.stringify(peer.namespaceSelector) ===
              JSON.stringify({ matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }),
          ),
        )
        .map(() => p.metadata.name),
    );
    expect(fromIngress.sort()).toEqual([
      'dp-airflow-api-server',
      'dp-jupyter',
      'dp-monitoring-alertmanager',
      'dp-monitoring-prometheus',
      'dp-spark-history',
      'dp-spark-master',
      'dp-superset',
    ]);
  });
});

const show = (pod: Pod, policies: readonly Manifest[]) =>
  egressOf(policies, pod).map(({ to, port }) => `${to} -> ${port}`);

/** Where every pod of the release may connect by default: each other, and DNS at the DNS pods. */
const EXACT_EGRESS = ['dns -> 53/TCP', 'dns -> 53/UDP', 'release -> all'];
/**
 * The in-chart Prometheus has its own instead: DNS, the Kubernetes API's ports in the private
 * ranges, and named ports of pods of this namespace (which pods: prometheus-in-chart.test.ts).
 */
const PROMETHEUS_EGRESS = [
  'dns -> 53/TCP',
  'dns -> 53/UDP',
  ...['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].flatMap((cidr) =>
    ['443/TCP', '6443/TCP'].map((port) => `ipBlock ${cidr} -> ${port}`),
  ),
  'namespace -> http/TCP',
  'namespace -> metrics/TCP',
  'namespace -> ui/TCP',
];
/** The Kafka lag exporter has its own too: the brokers' client port, and DNS. */
const LAG_EXPORTER_EGRESS = ['dns -> 53/TCP', 'dns -> 53/UDP', 'namespace -> 9092/TCP'];
/** The node exporter reads the host's files and answers scrapes: it may reach nothing at all. */
const NODE_EXPORTER_EGRESS: string[] = [];
const expectedEgress = (pod: Pod) =>
  id(pod) === 'monitoring/prometheus'
    ? PROMETHEUS_EGRESS
    : id(pod) === 'kafka/lag-exporter'
      ? LAG_EXPORTER_EGRESS
      : id(pod) === 'monitoring/node-exporter'
        ? NODE_EXPORTER_EGRESS
        : EXACT_EGRESS;

describe('NetworkPolicies out: exactly the release and the DNS pods, in every profile', () => {
  it('renders every values file of ci/ as a profile here', () => {
    const files = readdirSync(join(CHART, 'ci')).filter((n) => n.endsWith('-values.yaml'));
    expect(files.map((n) => n.replace(/-values\.yaml$/, '')).sort()).toEqual([...PROFILES].sort());
  });

  describe.each(PROFILES)('the %s profile', (profile) => {
    let pods: Pod[] = [];
    let policies: Manifest[] = [];
    beforeAll(async () => {
      const { manifests } = await renderProfile(profile);
      pods = podsOf(manifests);
      policies = policiesOf(manifests);
      expect(pods.length).toBeGreaterThan(3);
    });

    it('lets no pod reach the whole internet (no ipBlock /0, no rule without `to`), and sends DNS only to the DNS pods', () => {
      expect(pods.flatMap((pod) => egressProblems(policies, pod, pod.owner))).toEqual([]);
    });

    it('lets every pod reach exactly its release and DNS (UDP and TCP 53) at the DNS pods in kube-system (Prometheus: its targets, the Kubernetes API, DNS)', () => {
      const unexpected = pods
        .map((pod) => ({
          pod: pod.owner,
          egress: show(pod, policies),
          expected: expectedEgress(pod),
        }))
        .filter(({ egress, expected }) => JSON.stringify(egress) !== JSON.stringify(expected));
      expect(unexpected).toEqual([]);
      // Every profile runs the in-chart Prometheus.
      const prometheus = pods.filter((pod) => id(pod) === 'monitoring/prometheus').length;
      expect(prometheus).toBe(1);
      const dns = policies
        .flatMap((p) => (p.spec as unknown as PolicySpec).egress ?? [])
        .filter((rule) => rule.ports?.some((port) => port.port === 53));
      // Every profile runs the Kafka lag exporter but local-images (kafka_exporter is no Debian
      // package; no image of it is built here).
      const lagExporter = pods.filter((pod) => id(pod) === 'kafka/lag-exporter').length;
      expect(lagExporter).toBe(profile === 'local-images' ? 0 : 1);
      // And the node exporter, with no DNS rule.
      const nodeExporter = pods.filter((pod) => id(pod) === 'monitoring/node-exporter').length;
      expect(nodeExporter).toBe(1);
      // The release-wide policy's, the in-chart Prometheus' and the lag exporter's, the same rule.
      expect(dns).toHaveLength(1 + prometheus + lagExporter);
      expect(dns.at(-1)).toEqual(dns[0]);
      expect(dns.slice(0, 1)).toEqual([
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
      ]);
    });
  });

  it('catches what it must: a whole-internet ipBlock, a rule without `to`, DNS to everyone (so a pass above means something)', async () => {
    const manifests = parseManifests(
      await renderYaml([
        '--set-json',
        'global.networkPolicy.extraEgress=[{"to":[{"ipBlock":{"cidr":"0.0.0.0/0"}}],"ports":[{"port":443}]},{"to":[{"ipBlock":{"cidr":"::/0"}}]},{"ports":[{"port":53,"protocol":"UDP"}]},{"to":[{"namespaceSelector":{}}],"ports":[{"port":53,"protocol":"UDP"}]}]',
      ]),
    );
    const kafka = podsOf(manifests).find((p) => p.owner === 'StatefulSet/dp-kafka')!;
    expect(egressProblems(policiesOf(manifests), kafka, 'kafka').sort()).toEqual(
      [
        'kafka may reach any address on 53/UDP',
        "kafka may send DNS (53/UDP) to anywhere, not only to the cluster's DNS pods",
        'kafka may reach the whole internet (ipBlock 0.0.0.0/0) on 443/TCP',
        'kafka may reach the whole internet (ipBlock ::/0) on all',
        "kafka may send DNS (all) to ipBlock ::/0, not only to the cluster's DNS pods",
        "kafka may send DNS (53/UDP) to pods elsewhere, not only to the cluster's DNS pods",
      ].sort(),
    );
  });

  it("opens the Maven repository's port to the Spark workers and Jupyter alone, and only on opt-in (global.sparkJars)", async () => {
    const manifests = parseManifests(
      await renderYaml([
        '--set',
        'global.sparkJars.enabled=true',
        '--set',
        'global.sparkJars.repository=https://maven.mirror.test:8443/maven2/',
      ]),
    );
    const policies = policiesOf(manifests);
    const opened = podsOf(manifests)
      .map((pod) => ({
        pod: id(pod),
        extra: show(pod, policies).filter((e) => !expectedEgress(pod).includes(e)),
      }))
      .filter(({ extra }) => extra.length > 0);
    const publicOnly =
      'ipBlock 0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16 -> 8443/TCP';
    expect(opened).toEqual([
      { pod: 'jupyter/jupyter', extra: [publicOnly] },
      { pod: 'spark/worker', extra: [publicOnly] },
    ]);
  });

  it("opens the JMX exporter jar's download port to the brokers alone, and only on opt-in (kafka.metrics)", async () => {
    const opened = async (args: string[]) => {
      const manifests = parseManifests(await renderYaml(args));
      const policies = policiesOf(manifests);
      return podsOf(manifests)
        .map((pod) => ({
          pod: id(pod),
          extra: show(pod, policies).filter((e) => !expectedEgress(pod).includes(e)),
        }))
        .filter(({ extra }) => extra.length > 0);
    };
    expect(await opened(['--set', 'kafka.metrics.enabled=true'])).toEqual([
      {
        pod: 'kafka/broker',
        extra: [
          'ipBlock 0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16 -> 443/TCP',
        ],
      },
    ]);
    // A mirror in the network: its port and address only.
    expect(
      await opened([
        '--set',
        'kafka.metrics.enabled=true',
        '--set',
        'kafka.metrics.jmxExporter.url=http://maven.mirror.internal:8081/repo/jmx_prometheus_javaagent-1.0.1.jar',
        '--set-json',
        'kafka.metrics.jmxExporter.egressPeers=[{"ipBlock":{"cidr":"10.1.2.3/32"}}]',
      ]),
    ).toEqual([{ pod: 'kafka/broker', extra: ['ipBlock 10.1.2.3/32 -> 8081/TCP'] }]);
    // An image that carries the agent (datapark.local/kafka): no download, no way out.
    expect(
      await opened([
        '--set',
        'kafka.metrics.enabled=true',
        '--set',
        'kafka.metrics.jmxExporter.jarInImage=/opt/kafka/jmx-exporter/jmx_prometheus_javaagent-1.0.1.jar',
      ]),
    ).toEqual([]);
  });

  it("opens the npm registry's port to Jupyter alone, and only on opt-in (jupyter.typescriptKernel.npmEgress)", async () => {
    const manifests = parseManifests(
      await renderYaml([
        '--set',
        'jupyter.typescriptKernel.enabled=true',
        '--set',
        'jupyter.typescriptKernel.npmEgress.enabled=true',
      ]),
    );
    const policies = policiesOf(manifests);
    const opened = podsOf(manifests)
      .map((pod) => ({
        pod: id(pod),
        extra: show(pod, policies).filter((e) => !expectedEgress(pod).includes(e)),
      }))
      .filter(({ extra }) => extra.length > 0);
    expect(opened).toEqual([
      {
        pod: 'jupyter/jupyter',
        extra: [
          'ipBlock 0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16 -> 443/TCP',
        ],
      },
    ]);
  });
});
