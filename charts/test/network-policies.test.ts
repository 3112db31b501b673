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
    ['kafka/broker', 'kafka/topics', 'spark/worker', 'jupyter/jupyter', 'client'],
  ],
  ['kafka/broker', 9093, ['kafka/broker']],
  ['spark/master', 7077, ['spark/worker', 'jupyter/jupyter']],
  ['spark/master', 6066, ['airflow/worker', 'airflow/triggerer', 'jupyter/jupyter', 'client']],
  ['spark/master', 8080, ['airflow/worker', 'airflow/triggerer', 'jupyter/jupyter', 'client']],
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
  ['airflow/worker', 8793, ['airflow/api-server']],
  ['jupyter/jupyter', 8888, []],
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

    it('lets every pod reach exactly its release and DNS (UDP and TCP 53) at the DNS pods in kube-system', () => {
      const unexpected = pods
        .map((pod) => ({ pod: pod.owner, egress: show(pod, policies) }))
        .filter(({ egress }) => JSON.stringify(egress) !== JSON.stringify(EXACT_EGRESS));
      expect(unexpected).toEqual([]);
      const dns = policies
        .flatMap((p) => (p.spec as unknown as PolicySpec).egress ?? [])
        .filter((rule) => rule.ports?.some((port) => port.port === 53));
      expect(dns).toEqual([
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
        extra: show(pod, policies).filter((e) => !EXACT_EGRESS.includes(e)),
      }))
      .filter(({ extra }) => extra.length > 0);
    const publicOnly =
      'ipBlock 0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16 -> 8443/TCP';
    expect(opened).toEqual([
      { pod: 'jupyter/jupyter', extra: [publicOnly] },
      { pod: 'spark/worker', extra: [publicOnly] },
    ]);
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
        extra: show(pod, policies).filter((e) => !EXACT_EGRESS.includes(e)),
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
