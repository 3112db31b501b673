import { podsOf, selects } from './fixtures/pods.js';
import type { Pod } from './fixtures/pods.js';
import { renderProfile } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// Evaluates the rendered NetworkPolicies as a cluster would (pods of one namespace): may a pod
// with `from` labels open a connection to port `port` of the pod `to`? Then checks the matrix
// of shared/DESIGN.md's integration points, both ways: every listed peer may, nobody else may.

interface Peer {
  podSelector?: object;
  namespaceSelector?: object;
}
interface Rule {
  from?: Peer[];
  ports?: { port: string | number }[];
}
interface PolicySpec {
  podSelector: object;
  policyTypes: string[];
  ingress?: Rule[];
}

const CLIENT = { 'datapark.io/client': 'true' };
const STRANGER = { app: 'something-else' };

function portMatches(rulePort: string | number, port: number, pod: Pod): boolean {
  if (typeof rulePort === 'number') return rulePort === port;
  return pod.spec.containers.some((c) =>
    ((c as unknown as { ports?: { name: string; containerPort: number }[] }).ports ?? []).some(
      (p) => p.name === rulePort && p.containerPort === port,
    ),
  );
}

function allowed(
  policies: readonly Manifest[],
  from: Record<string, string>,
  to: Pod,
  port: number,
): boolean {
  const applying = policies
    .map((p) => p.spec as unknown as PolicySpec)
    .filter((spec) => spec.policyTypes.includes('Ingress') && selects(spec.podSelector, to.labels));
  if (applying.length === 0) return true;
  return applying.some((spec) =>
    (spec.ingress ?? []).some(
      (rule) =>
        (!rule.ports || rule.ports.some((p) => portMatches(p.port, port, to))) &&
        (!rule.from ||
          rule.from.some(
            (peer) => !peer.namespaceSelector && selects(peer.podSelector ?? {}, from),
          )),
    ),
  );
}

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
];

describe('NetworkPolicies: exactly the integration points of shared/DESIGN.md', () => {
  let pods: Pod[] = [];
  let policies: Manifest[] = [];
  beforeAll(async () => {
    const { manifests } = await renderProfile('default');
    pods = podsOf(manifests);
    policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
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

  it("lets only Jupyter out of the cluster: to the npm registry's port, for its TypeScript kernel's init container", () => {
    type EgressSpec = PolicySpec & {
      egress?: { to?: { ipBlock?: { cidr: string } }[]; ports?: { port: number }[] }[];
    };
    const outside = pods.flatMap((pod) =>
      policies
        .map((p) => p.spec as unknown as EgressSpec)
        .filter(
          (spec) => spec.policyTypes.includes('Egress') && selects(spec.podSelector, pod.labels),
        )
        .flatMap((spec) => spec.egress ?? [])
        .filter((rule) => rule.to?.some((peer) => peer.ipBlock))
        .flatMap((rule) =>
          (rule.ports ?? []).map(
            (p) =>
              `${id(pod)} -> ${rule.to!.map((peer) => peer.ipBlock?.cidr).join(',')}:${p.port}`,
          ),
        ),
    );
    expect([...new Set(outside)]).toEqual(['jupyter/jupyter -> 0.0.0.0/0:443']);
  });

  it('lets the ingress controller reach exactly the UIs when the Ingress is on', async () => {
    const { manifests } = await renderProfile('ha');
    const haPolicies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const fromIngress = haPolicies.flatMap((p) =>
      ((p.spec as unknown as PolicySpec).ingress ?? [])
        .filter((r) => r.from?.some((peer) => peer.namespaceSelector))
        .map(() => p.metadata.name),
    );
    expect(fromIngress.sort()).toEqual([
      'dp-airflow-api-server',
      'dp-jupyter',
      'dp-spark-history',
      'dp-spark-master',
    ]);
  });
});
