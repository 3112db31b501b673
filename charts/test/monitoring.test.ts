import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  CLUSTER_PROMETHEUS_NAMESPACE,
  CLUSTER_PROMETHEUS_POD,
  IN_CHART_PROMETHEUS,
  OPERATOR,
  admittedPorts,
  named,
} from './fixtures/monitoring.js';
import { policiesOf } from './fixtures/network.js';
import { podsOf } from './fixtures/pods.js';
import { ROOT, parseManifests, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// Monitoring in the chart, the parts every cluster gets: each component's metrics endpoint (Spark's
// own, the PostgreSQL and Redis exporters as sidecars, the statsd-exporter for Airflow and the
// statsd-exporter sidecars of the object store and Superset, the JMX agent in the brokers), NetworkPolicies that let in exactly the Prometheus that scrapes (the
// release's own by default, the cluster's where the Prometheus Operator runs) on exactly those
// ports, PodMonitors and a PrometheusRule only where the Operator's CRDs are served (or when
// forced), and the alert rules of the local platform, the one source, carried over unchanged.
// The in-chart Prometheus itself: prometheus-in-chart.test.ts.

const RULES_FILE = join(ROOT, 'packages/platform-local/monitoring/rules/datapark.rules.yml');
const KAFKA_METRICS = ['--set', 'kafka.metrics.enabled=true'];

const render = async (args: readonly string[] = []) => parseManifests(await renderYaml(args));
const podAnnotations = (m: Manifest | undefined) =>
  (m?.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template
    .metadata.annotations ?? {};

interface IngressRule {
  ports?: { port: string | number }[];
  from?: { namespaceSelector?: unknown; podSelector?: unknown }[];
}

/** Per NetworkPolicy, the ports its rules open to the cluster's Prometheus (namespace and pods). */
function portsOpenedToClusterPrometheus(
  manifests: Manifest[],
): Record<string, (string | number)[]> {
  const opened: Record<string, (string | number)[]> = {};
  for (const policy of policiesOf(manifests))
    for (const rule of ((policy.spec as { ingress?: IngressRule[] }).ingress ?? []).filter((r) =>
      (r.from ?? []).some(
        (peer) =>
          JSON.stringify(peer.namespaceSelector) === JSON.stringify(CLUSTER_PROMETHEUS_NAMESPACE) &&
          JSON.stringify(peer.podSelector) === JSON.stringify(CLUSTER_PROMETHEUS_POD),
      ),
    ))
      (opened[policy.metadata.name] ??= []).push(...(rule.ports ?? []).map((p) => p.port));
  return opened;
}

/** Per workload, the named ports the in-chart Prometheus pod may open (none left out). */
function portsOpenedToInChartPrometheus(manifests: Manifest[]): Record<string, string[]> {
  const policies = policiesOf(manifests);
  const prometheus = { ...IN_CHART_PROMETHEUS, 'datapark.io/egress-policy': 'own' };
  return Object.fromEntries(
    podsOf(manifests)
      .map((pod) => [pod.owner, admittedPorts(policies, prometheus, pod)] as const)
      .filter(([, ports]) => ports.length > 0),
  );
}

/** The metrics endpoints of the release: every workload with a container port named `metrics`. */
const METRICS_PORTS = {
  'StatefulSet/dp-kafka': 9404,
  'StatefulSet/dp-postgresql': 9187,
  'StatefulSet/dp-airflow-redis': 9121,
  'Deployment/dp-airflow-statsd': 9102,
  'Deployment/dp-kafka-lag-exporter': 9308,
  'DaemonSet/dp-monitoring-node-exporter': 9100,
  'StatefulSet/dp-objectstore': 9102,
  'Deployment/dp-superset': 9102,
  // The sidecar of the applications' drivers and executors (spark-app-metrics.test.ts).
  'Deployment/dp-spark-worker': 9102,
};
const MAPPING = readFileSync(
  join(ROOT, 'packages/platform-local/monitoring/statsd-mapping.yml'),
  'utf8',
);
const SENDERS_OFF = [
  '--set',
  'objectstore.metrics.enabled=false',
  '--set',
  'superset.metrics.enabled=false',
];

describe('metrics endpoints in the chart', () => {
  it('serves Spark metrics on the master and worker UIs, annotated for a Prometheus to scrape', async () => {
    const manifests = await render();
    expect(podAnnotations(named(manifests, 'Deployment', 'dp-spark-master'))).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics/master/prometheus/',
    });
    expect(podAnnotations(named(manifests, 'Deployment', 'dp-spark-worker'))).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8081',
      'prometheus.io/path': '/metrics/prometheus/',
    });
    const defaults = named(manifests, 'ConfigMap', 'dp-spark')!.data!['spark-defaults.conf']!;
    expect(defaults).toContain('spark.ui.prometheus.enabled true');
    // The scrape reaches the UI port, where the master UI would otherwise take kill requests.
    expect(defaults).toMatch(/^\s*spark\.ui\.killEnabled false$/m);
    expect(defaults).toContain(
      'spark.metrics.conf.*.sink.prometheusServlet.class org.apache.spark.metrics.sink.PrometheusServlet',
    );
    expect(defaults).toContain(
      'spark.metrics.conf.master.sink.prometheusServlet.path /metrics/master/prometheus',
    );
  });

  it('gives the hosts, PostgreSQL, Redis, Airflow, the object store, Superset and the Spark applications (StatsD), Kafka consumer lag and, on opt-in, every Kafka broker an exporter on a port named metrics', async () => {
    const pods = podsOf(await render(KAFKA_METRICS));
    const found = Object.fromEntries(
      pods.flatMap((pod) =>
        pod.spec.containers.flatMap((c) =>
          ((c as unknown as { ports?: { name: string; containerPort: number }[] }).ports ?? [])
            .filter((p) => p.name === 'metrics')
            .map((p) => [pod.owner, p.containerPort] as const),
        ),
      ),
    );
    expect(found).toEqual(METRICS_PORTS);
    const images = pods.flatMap((p) => p.spec.containers.map((c) => c.image));
    for (const image of [
      'prometheuscommunity/postgres-exporter:v0.11.1',
      'oliver006/redis_exporter:v1.45.0',
      'prom/statsd-exporter:v0.31.0',
      'prom/node-exporter:v1.5.0',
    ])
      expect(images).toContain(image);
    // Without the opt-in, the brokers have no agent and reach nothing outside the release.
    const brokers = podsOf(await render()).find((p) => p.owner === 'StatefulSet/dp-kafka')!;
    expect(brokers.spec.initContainers).toBeUndefined();
    expect(JSON.stringify(brokers.spec)).not.toContain('javaagent');
  });

  it("runs kafka_exporter as the local platform does: every broker, Kafka 4's protocol, internal topics out, its own image as nobody", async () => {
    const manifests = await render(['--set', 'kafka.replicas=5']);
    const pod = podsOf(manifests).find((p) => p.owner === 'Deployment/dp-kafka-lag-exporter')!;
    const container = pod.spec.containers[0]!;
    expect(container.image).toBe('danielqsj/kafka-exporter:v1.9.0');
    const servers = [0, 1, 2, 3, 4].map(
      (i) => `--kafka.server=dp-kafka-${i}.dp-kafka-headless.datapark.svc.cluster.local:9092`,
    );
    // The flags of the local platform's unit (kafkaExporterArgs in
    // packages/platform-local/src/monitoring/units.ts), with the release's brokers.
    expect(container.args).toEqual([
      ...servers,
      '--kafka.version=4.0.0',
      '--topic.exclude=^__.*',
      '--web.listen-address=:9308',
    ]);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(pod.labels['datapark.io/egress-policy']).toBe('own');
    // Off, nothing of it is left, and the brokers stop letting it in.
    const off = await render(['--set', 'kafka.lagExporter.enabled=false']);
    expect(off.filter((m) => m.metadata.name === 'dp-kafka-lag-exporter')).toEqual([]);
    const brokers = policiesOf(off).find((p) => p.metadata.name === 'dp-kafka')!;
    expect(JSON.stringify(brokers.spec)).not.toContain('lag-exporter');
    expect(
      JSON.stringify(policiesOf(manifests).find((p) => p.metadata.name === 'dp-kafka')!.spec),
    ).toContain('lag-exporter');
  });

  it("runs node_exporter on every node as the local platform does, reading the host's /proc, /sys and / read-only, as nobody, on the pod network", async () => {
    const manifests = await render();
    const daemonSet = named(manifests, 'DaemonSet', 'dp-monitoring-node-exporter')!;
    const pod = podsOf([daemonSet])[0]!;
    const container = pod.spec.containers[0]!;
    expect(container.image).toBe('prom/node-exporter:v1.5.0');
    // The local platform's unit's flag (packages/platform-local/src/monitoring/units.ts), and
    // the host's filesystems in place of the container's.
    expect(container.args).toEqual([
      '--web.listen-address=:9100',
      '--path.procfs=/host/proc',
      '--path.sysfs=/host/sys',
      '--path.rootfs=/host/root',
    ]);
    const spec = pod.spec as unknown as {
      hostNetwork?: boolean;
      hostPID?: boolean;
      hostIPC?: boolean;
      tolerations?: unknown[];
      volumes: { name: string; hostPath?: { path: string } }[];
      automountServiceAccountToken?: boolean;
    };
    const mounts = (
      container as unknown as {
        volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
      }
    ).volumeMounts;
    expect(
      Object.fromEntries(
        mounts.map((m) => [
          m.mountPath,
          `${spec.volumes.find((v) => v.name === m.name)?.hostPath?.path} ${m.readOnly ? 'ro' : 'rw'}`,
        ]),
      ),
    ).toEqual({ '/host/proc': '/proc ro', '/host/sys': '/sys ro', '/host/root': '/ ro' });
    expect(spec.volumes.every((v) => v.hostPath)).toBe(true);
    // The pod network: its NetworkPolicy decides who scrapes it.
    expect([spec.hostNetwork, spec.hostPID, spec.hostIPC]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(spec.automountServiceAccountToken).toBe(false);
    // Every node, tainted ones included.
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
    });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/', port: 'metrics' } });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/', port: 'metrics' } });
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { cpu: '200m', memory: '128Mi' },
    });
    expect(pod.labels['datapark.io/egress-policy']).toBe('own');
    // Its policy: nothing out at all.
    const policy = named(manifests, 'NetworkPolicy', 'dp-monitoring-node-exporter')!;
    expect(policy.spec).toMatchObject({ policyTypes: ['Ingress', 'Egress'], egress: [] });
    // Off (a namespace that enforces Pod Security baseline or restricted), nothing of it is left.
    const off = await render(['--set', 'monitoring.nodeExporter.enabled=false']);
    expect(
      off.filter((m) => m.metadata.name === 'dp-monitoring-node-exporter').map((m) => m.kind),
    ).toEqual([]);
  });

  it("points Airflow's StatsD at the statsd-exporter, whose mapping is the local platform's", async () => {
    const manifests = await render();
    const env = Object.fromEntries(
      (
        podsOf(manifests).find((p) => p.owner === 'Deployment/dp-airflow-scheduler')!.spec
          .containers[0]!.env ?? []
      ).map((e) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      AIRFLOW__METRICS__STATSD_ON: 'True',
      AIRFLOW__METRICS__STATSD_HOST: 'dp-airflow-statsd',
      AIRFLOW__METRICS__STATSD_PORT: '9125',
      AIRFLOW__METRICS__STATSD_PREFIX: 'airflow',
    });
    const service = named(manifests, 'Service', 'dp-airflow-statsd')!;
    expect((service.spec as { ports: unknown[] }).ports).toEqual([
      { name: 'statsd', port: 9125, targetPort: 'statsd', protocol: 'UDP' },
    ]);
    expect(named(manifests, 'ConfigMap', 'dp-airflow-statsd')!.data).toEqual({
      'statsd-mapping.yml': MAPPING,
    });
    const args = podsOf(manifests).find((p) => p.owner === 'Deployment/dp-airflow-statsd')!.spec
      .containers[0]!.args;
    expect(args).toContain('--statsd.listen-tcp=');
  });

  it("points the object store's and Superset's StatsD at a statsd-exporter sidecar on the pod's loopback, with the local platform's flags and mapping", async () => {
    const manifests = await render();
    const container = (owner: string, name: string) =>
      podsOf(manifests)
        .find((p) => p.owner === owner)!
        .spec.containers.find((c) => c.name === name)!;
    // versitygw's own flags, as the local platform's versitygwArgs gives them.
    const gateway = container('StatefulSet/dp-objectstore', 'objectstore').args!;
    const flag = (name: string) => gateway[gateway.indexOf(name) + 1];
    expect(flag('--metrics-service-name')).toBe('objectstore');
    expect(flag('--metrics-statsd-servers')).toBe('127.0.0.1:9125');
    expect(gateway.indexOf('--metrics-statsd-servers')).toBeLessThan(gateway.indexOf('posix'));
    const env = (owner: string, name: string) =>
      Object.fromEntries((container(owner, name).env ?? []).map((e) => [e.name, e.value]));
    expect(env('Deployment/dp-superset', 'superset')).toMatchObject({
      DATAPARK_SUPERSET_STATSD: '127.0.0.1:9125',
    });
    // The init Job's Superset has no sidecar to send to.
    const init = podsOf(manifests).find((p) => p.owner === 'Job/dp-superset-init')!;
    expect(JSON.stringify(init.spec)).not.toContain('DATAPARK_SUPERSET_STATSD');
    const config = named(manifests, 'ConfigMap', 'dp-superset')!.data!['superset_config.py']!;
    expect(config).toMatch(/^STATS_LOGGER = _stats_logger\(\)$/m);
    expect(config).toContain('os.environ.get("DATAPARK_SUPERSET_STATSD")');
    for (const [owner, configMap] of [
      ['StatefulSet/dp-objectstore', 'dp-objectstore-statsd'],
      ['Deployment/dp-superset', 'dp-superset-statsd'],
    ] as const) {
      const sidecar = container(owner, 'statsd-exporter');
      expect({ owner, image: sidecar.image, args: sidecar.args }).toEqual({
        owner,
        image: 'prom/statsd-exporter:v0.31.0',
        // StatsD on the loopback only: no other pod can write into the sender's series.
        args: [
          '--web.listen-address=:9102',
          '--statsd.listen-udp=127.0.0.1:9125',
          '--statsd.listen-tcp=',
          '--statsd.mapping-config=/etc/statsd/statsd-mapping.yml',
        ],
      });
      // statsd_exporter's own endpoints (probes.test.ts asks the components' probes of the
      // running platform, not these).
      expect({
        owner,
        probes: [sidecar.startupProbe, sidecar.readinessProbe, sidecar.livenessProbe].map(
          (probe) => {
            const get = (probe as { httpGet?: { path: string; port: string } } | undefined)
              ?.httpGet;
            return get && [get.path, get.port];
          },
        ),
      }).toEqual({
        owner,
        probes: [
          ['/-/ready', 'metrics'],
          ['/-/ready', 'metrics'],
          ['/-/healthy', 'metrics'],
        ],
      });
      expect(named(manifests, 'ConfigMap', configMap)!.data).toEqual({
        'statsd-mapping.yml': MAPPING,
      });
    }
    // Off, the senders send nothing and their pods have no sidecar.
    const off = await render(SENDERS_OFF);
    for (const owner of ['StatefulSet/dp-objectstore', 'Deployment/dp-superset'])
      expect(
        podsOf(off)
          .find((p) => p.owner === owner)!
          .spec.containers.map((c) => c.name),
      ).toEqual([owner.endsWith('objectstore') ? 'objectstore' : 'superset']);
    expect(JSON.stringify(podsOf(off).map((p) => p.spec))).not.toMatch(
      /metrics-statsd-servers|DATAPARK_SUPERSET_STATSD/,
    );
    expect(named(off, 'ConfigMap', 'dp-objectstore-statsd')).toBeUndefined();
    expect(named(off, 'ConfigMap', 'dp-superset-statsd')).toBeUndefined();
  });

  it("runs the JMX agent with the local platform's rules, from a jar checked against its pinned SHA-256", async () => {
    const manifests = await render(KAFKA_METRICS);
    const config = named(manifests, 'ConfigMap', 'dp-kafka')!.data!;
    expect(config['jmx-exporter.yml']).toBe(
      readFileSync(join(ROOT, 'packages/platform-local/monitoring/kafka-jmx-exporter.yml'), 'utf8'),
    );
    // The agent joins the broker only, after the storage format, on the metrics port.
    const start = config['start.sh']!;
    expect(start.indexOf('-javaagent:/opt/jmx-exporter/jmx_prometheus_javaagent.jar=9404:')).toBe(
      start.lastIndexOf('-javaagent'),
    );
    expect(start.indexOf('kafka-storage.sh format')).toBeLessThan(start.indexOf('-javaagent'));
    expect(config['fetch-jmx-exporter.sh']).toMatch(/sha256sum -c -/);
    const fetch = podsOf(manifests).find((p) => p.owner === 'StatefulSet/dp-kafka')!.spec
      .initContainers![0]!;
    expect(Object.fromEntries((fetch.env ?? []).map((e) => [e.name, e.value]))).toEqual({
      JMX_EXPORTER_URL:
        'https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar',
      JMX_EXPORTER_SHA256: '7d61f737fd661610ccc14aea79764faa1ea94a340cbc8f0029b3d2edea3d80c1',
    });
  });

  it("runs the image's own agent, with nothing downloaded, when the image carries it (jarInImage)", async () => {
    const jar = '/opt/kafka/jmx-exporter/jmx_prometheus_javaagent-1.0.1.jar';
    const manifests = await render([
      ...KAFKA_METRICS,
      '--set',
      `kafka.metrics.jmxExporter.jarInImage=${jar}`,
    ]);
    const config = named(manifests, 'ConfigMap', 'dp-kafka')!.data!;
    expect(config['start.sh']).toContain(`-javaagent:${jar}=9404:/opt/datapark/jmx-exporter.yml`);
    expect(config['jmx-exporter.yml']).toBeDefined();
    expect(config['fetch-jmx-exporter.sh']).toBeUndefined();
    const broker = podsOf(manifests).find((p) => p.owner === 'StatefulSet/dp-kafka')!.spec;
    expect(broker.initContainers ?? []).toEqual([]);
    // Nothing shadows the image's /opt/kafka: no emptyDir for a download.
    expect((broker.volumes ?? []).map((v) => v.name)).not.toContain('jmx-exporter');
    // A path that is not a jar is refused by the schema, naming the key.
    await expect(
      render([...KAFKA_METRICS, '--set', 'kafka.metrics.jmxExporter.jarInImage=agent']),
    ).rejects.toThrow(/jarInImage/);
  });

  it('carries the alert rules of the local platform unchanged, as a ConfigMap', async () => {
    const rules = named(await render(), 'ConfigMap', 'dp-monitoring-rules');
    expect(rules?.data).toEqual({ 'datapark.rules.yml': readFileSync(RULES_FILE, 'utf8') });
  });
});

describe('who may scrape: exactly the Prometheus that does, on exactly the metrics ports', () => {
  const EXPECTED = {
    'StatefulSet/dp-kafka': ['metrics'],
    'StatefulSet/dp-postgresql': ['metrics'],
    'StatefulSet/dp-airflow-redis': ['metrics'],
    'Deployment/dp-airflow-statsd': ['metrics'],
    'Deployment/dp-kafka-lag-exporter': ['metrics'],
    'DaemonSet/dp-monitoring-node-exporter': ['metrics'],
    'StatefulSet/dp-objectstore': ['metrics'],
    'Deployment/dp-superset': ['metrics'],
    'Deployment/dp-spark-master': ['ui'],
    'Deployment/dp-spark-worker': ['metrics', 'ui'],
    // jupyter_server serves /metrics on its HTTP port (behind the token), not a port of its own.
    'Deployment/dp-jupyter': ['http'],
    // Alertmanager takes alerts and is scraped on its one port.
    'Deployment/dp-monitoring-alertmanager': ['http'],
  };

  it("without the Operator: the release's own Prometheus, and no other namespace", async () => {
    const manifests = await render(KAFKA_METRICS);
    expect(portsOpenedToInChartPrometheus(manifests)).toEqual(EXPECTED);
    expect(portsOpenedToClusterPrometheus(manifests)).toEqual({});
  });

  it("with the Operator: the cluster's Prometheus namespace and pods, on the same ports", async () => {
    const manifests = await render([...OPERATOR, ...KAFKA_METRICS]);
    expect(portsOpenedToClusterPrometheus(manifests)).toEqual({
      'dp-kafka': ['metrics'],
      'dp-postgresql': ['metrics'],
      'dp-airflow-redis': ['metrics'],
      'dp-airflow-statsd': ['metrics'],
      'dp-kafka-lag-exporter': ['metrics'],
      'dp-monitoring-node-exporter': ['metrics'],
      'dp-objectstore': ['metrics'],
      'dp-superset': ['metrics'],
      'dp-spark-master': ['ui'],
      'dp-spark-worker': ['ui', 'metrics'],
      'dp-jupyter': ['http'],
    });
    // No in-chart Prometheus, so no rule lets its labels in.
    expect(portsOpenedToInChartPrometheus(manifests)).toEqual({});
  });

  it("with inChartPrometheus=false and no Operator: the cluster's Prometheus (it scrapes by the annotations)", async () => {
    const manifests = await render(['--set', 'global.monitoring.inChartPrometheus=false']);
    expect(Object.keys(portsOpenedToClusterPrometheus(manifests)).sort()).toEqual([
      'dp-airflow-redis',
      'dp-airflow-statsd',
      'dp-jupyter',
      'dp-kafka-lag-exporter',
      'dp-monitoring-node-exporter',
      'dp-objectstore',
      'dp-postgresql',
      'dp-spark-master',
      'dp-spark-worker',
      'dp-superset',
    ]);
    expect(portsOpenedToInChartPrometheus(manifests)).toEqual({});
  });

  it('opens nothing to either once metrics are off', async () => {
    const off = await render([
      '--set',
      'spark.metrics.enabled=false',
      '--set',
      'postgresql.metrics.enabled=false',
      '--set',
      'airflow.metrics.enabled=false',
      '--set',
      'kafka.lagExporter.enabled=false',
      '--set',
      'monitoring.nodeExporter.enabled=false',
      ...SENDERS_OFF,
      '--set',
      'jupyter.metrics.enabled=false',
      '--set',
      'global.monitoring.inChartPrometheus=false',
    ]);
    expect(portsOpenedToClusterPrometheus(off)).toEqual({});
    expect(portsOpenedToInChartPrometheus(off)).toEqual({});
    expect(podsOf(off).flatMap((p) => p.spec.containers.map((c) => c.name))).not.toContain(
      'metrics',
    );
    expect(named(off, 'Deployment', 'dp-airflow-statsd')).toBeUndefined();
    expect(named(off, 'Deployment', 'dp-kafka-lag-exporter')).toBeUndefined();
    expect(named(off, 'NetworkPolicy', 'dp-kafka-lag-exporter')).toBeUndefined();
    expect(named(off, 'DaemonSet', 'dp-monitoring-node-exporter')).toBeUndefined();
    expect(named(off, 'NetworkPolicy', 'dp-monitoring-node-exporter')).toBeUndefined();
  });
});

describe('the Prometheus Operator path', () => {
  it('renders no Prometheus Operator object where its CRDs are not served', async () => {
    const kinds = new Set((await render(KAFKA_METRICS)).map((m) => m.kind));
    expect(kinds).not.toContain('PodMonitor');
    expect(kinds).not.toContain('PrometheusRule');
  });

  it('with the Operator: a PodMonitor per job, named as the rules expect, the rules as a PrometheusRule, and no Prometheus of its own', async () => {
    const manifests = await render([
      ...OPERATOR,
      ...KAFKA_METRICS,
      '--set',
      'global.monitoring.podMonitorLabels.release=kube-prometheus-stack',
    ]);
    const monitors = manifests.filter((m) => m.kind === 'PodMonitor');
    const jobs = Object.fromEntries(
      monitors.map((m) => {
        const spec = m.spec as {
          selector: { matchLabels: Record<string, string> };
          podMetricsEndpoints: {
            port: string;
            path: string;
            relabelings: { targetLabel: string; replacement?: string; sourceLabels?: string[] }[];
          }[];
        };
        const endpoint = spec.podMetricsEndpoints[0]!;
        const job = endpoint.relabelings.find((r) => r.targetLabel === 'job')!.replacement!;
        expect(endpoint.relabelings).toContainEqual({
          action: 'replace',
          sourceLabels: ['__meta_kubernetes_pod_name'],
          targetLabel: 'unit',
        });
        expect(m.metadata.labels?.release).toBe('kube-prometheus-stack');
        const sel = spec.selector.matchLabels;
        return [
          job,
          `${sel['app.kubernetes.io/name']}/${sel['app.kubernetes.io/component']}:${endpoint.port}${endpoint.path}`,
        ];
      }),
    );
    expect(jobs).toEqual({
      kafka: 'kafka/broker:metrics/metrics',
      'kafka-lag': 'kafka/lag-exporter:metrics/metrics',
      node: 'monitoring/node-exporter:metrics/metrics',
      'spark-master': 'spark/master:ui/metrics/master/prometheus/',
      'spark-worker': 'spark/worker:ui/metrics/prometheus/',
      'spark-app': 'spark/worker:metrics/metrics',
      postgres: 'postgresql/postgresql:metrics/metrics',
      redis: 'airflow/redis:metrics/metrics',
      airflow: 'airflow/statsd:metrics/metrics',
      objectstore: 'objectstore/objectstore:metrics/metrics',
      superset: 'superset/superset:metrics/metrics',
      jupyter: 'jupyter/jupyter:http/metrics',
    });
    // Jupyter's /metrics wants the login token: the Operator's Prometheus reads it from the
    // token's Secret (the user's with jupyter.auth.existingSecret), never from the PodMonitor.
    const authorization = (m: Manifest[]) =>
      (
        named(m, 'PodMonitor', 'dp-jupyter')?.spec as {
          podMetricsEndpoints: { authorization?: unknown }[];
        }
      ).podMetricsEndpoints[0]!.authorization;
    expect(authorization(manifests)).toEqual({
      type: 'token',
      credentials: { name: 'dp-jupyter', key: 'token' },
    });
    expect(
      authorization(await render([...OPERATOR, '--set', 'jupyter.auth.existingSecret=my-jupyter'])),
    ).toEqual({ type: 'token', credentials: { name: 'my-jupyter', key: 'token' } });
    // No other PodMonitor carries a credential.
    expect(
      monitors
        .filter((m) => JSON.stringify(m.spec).includes('authorization'))
        .map((m) => m.metadata.name),
    ).toEqual(['dp-jupyter']);
    // The senders' sidecars: only their own series, as the in-chart Prometheus keeps them.
    const kept = Object.fromEntries(
      monitors.map((m) => [
        m.metadata.name,
        (m.spec as { podMetricsEndpoints: { metricRelabelings?: unknown }[] })
          .podMetricsEndpoints[0]!.metricRelabelings,
      ]),
    );
    expect(kept['dp-objectstore']).toEqual([
      { action: 'keep', sourceLabels: ['__name__'], regex: 'versitygw_.*' },
    ]);
    expect(kept['dp-superset']).toEqual([
      { action: 'keep', sourceLabels: ['__name__'], regex: 'superset_.*' },
    ]);
    expect(kept['dp-spark-worker-applications']).toEqual([
      {
        action: 'keep',
        sourceLabels: ['__name__'],
        regex: '(metrics_datapark|datapark_streaming)_.*',
      },
    ]);
    const rule = named(manifests, 'PrometheusRule', 'dp-monitoring-rules');
    const source = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: unknown[] };
    expect(rule?.spec).toEqual({ groups: source.groups });
    // Of the monitoring chart, only the rules and the node exporter (the Operator's Prometheus
    // scrapes it through its PodMonitor).
    expect(
      manifests
        .filter(
          (m) =>
            m.metadata.labels?.['app.kubernetes.io/name'] === 'monitoring' &&
            !['dp-monitoring-rules'].includes(m.metadata.name),
        )
        .map((m) => `${m.kind}/${m.metadata.name}`)
        .sort(),
    ).toEqual([
      'DaemonSet/dp-monitoring-node-exporter',
      'NetworkPolicy/dp-monitoring-node-exporter',
      'PodMonitor/dp-monitoring-node-exporter',
    ]);
  });

  it('follows its switches: PodMonitors forced on, metrics off, the rules off', async () => {
    const forced = await render([
      '--set',
      'spark.metrics.podMonitor=true',
      '--set',
      'postgresql.metrics.podMonitor=true',
    ]);
    expect(forced.filter((m) => m.kind === 'PodMonitor').map((m) => m.metadata.name)).toEqual([
      'dp-postgresql',
      'dp-spark-master',
      'dp-spark-worker',
      'dp-spark-worker-applications',
    ]);
    // A PodMonitor forced on beside the in-chart Prometheus: both may scrape that chart.
    expect(portsOpenedToClusterPrometheus(forced)).toEqual({
      'dp-postgresql': ['metrics'],
      'dp-spark-master': ['ui'],
      'dp-spark-worker': ['ui', 'metrics'],
    });
    const off = await render([
      ...OPERATOR,
      '--set',
      'spark.metrics.enabled=false',
      '--set',
      'postgresql.metrics.enabled=false',
      '--set',
      'airflow.metrics.enabled=false',
      '--set',
      'kafka.lagExporter.enabled=false',
      ...SENDERS_OFF,
      '--set',
      'jupyter.metrics.enabled=false',
      '--set',
      'monitoring.enabled=false',
    ]);
    expect(off.filter((m) => ['PodMonitor', 'PrometheusRule'].includes(m.kind))).toEqual([]);
    expect(named(off, 'ConfigMap', 'dp-monitoring-rules')).toBeUndefined();
    expect(podAnnotations(named(off, 'Deployment', 'dp-spark-master'))).not.toHaveProperty(
      'prometheus.io/scrape',
    );
    expect(named(off, 'ConfigMap', 'dp-spark')!.data!['spark-defaults.conf']).not.toContain(
      'prometheus',
    );
  });
});
