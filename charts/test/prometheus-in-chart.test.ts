import { spawnSync } from 'node:child_process';
import { ALERT_RESEND_DELAY, STATSD_JOBS } from '@datapark/platform-local';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  OPERATOR,
  jobPortName,
  jobSelector,
  named,
  namedPorts,
  prometheusConfig,
  prometheusYml,
} from './fixtures/monitoring.js';
import type { PrometheusConfig } from './fixtures/monitoring.js';
import {
  freePort,
  get,
  goBin,
  requireExecutable,
  startDaemon,
  waitFor,
} from './fixtures/monitoring-processes.js';
import type { Daemon } from './fixtures/monitoring-processes.js';
import { egressProblems, policiesOf } from './fixtures/network.js';
import type { PolicySpec } from './fixtures/network.js';
import { podsOf, selects } from './fixtures/pods.js';
import type { Pod } from './fixtures/pods.js';
import {
  ROOT,
  helm,
  parseManifests,
  renderProfile,
  renderYaml,
  templateUmbrella,
} from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// The release's own Prometheus and Alertmanager, for clusters without the Prometheus Operator:
// on where its CRDs are not served (auto), a scrape configuration that names every metrics
// endpoint of the release by Kubernetes service discovery of the release's namespace only, a
// Role (never a ClusterRole) for it, exact NetworkPolicies, a generated password in front of
// both UIs. The rendered files run in the real Prometheus 2.42 and Alertmanager 0.31.1, the
// versions the images pin, and the configuration passes `promtool check config`.

const RULES_FILE = join(ROOT, 'packages/platform-local/monitoring/rules/datapark.rules.yml');
const KAFKA_METRICS = ['--set', 'kafka.metrics.enabled=true'];
const USER = 'datapark';

const render = async (args: readonly string[] = []) => parseManifests(await renderYaml(args));
const podOf = (manifests: readonly Manifest[], owner: string): Pod => {
  const pod = podsOf(manifests).find((p) => p.owner === owner);
  if (!pod) throw new Error(`${owner} was not rendered`);
  return pod;
};
const secretData = (manifests: readonly Manifest[], name: string) =>
  Object.fromEntries(
    Object.entries(named(manifests, 'Secret', name)?.data ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString(),
    ]),
  );
const hasPrometheus = (manifests: readonly Manifest[]) =>
  named(manifests, 'StatefulSet', 'dp-monitoring-prometheus') !== undefined;

describe('the in-chart Prometheus: where it runs', () => {
  it.each([
    ['no Operator CRDs (auto)', true, []],
    ['the Operator CRDs served (auto)', false, [...OPERATOR]],
    [
      'the Operator CRDs, forced on',
      true,
      [...OPERATOR, '--set', 'global.monitoring.inChartPrometheus=true'],
    ],
    ['no Operator, forced off', false, ['--set', 'global.monitoring.inChartPrometheus=false']],
    ['monitoring.enabled=false', false, ['--set', 'monitoring.enabled=false']],
  ] as const)('%s: runs it = %s', async (_, runs, args) => {
    const manifests = await render(args);
    expect(hasPrometheus(manifests)).toBe(runs);
    expect(named(manifests, 'Deployment', 'dp-monitoring-alertmanager') !== undefined).toBe(runs);
    expect(named(manifests, 'Role', 'dp-monitoring-prometheus') !== undefined).toBe(runs);
  });
});

describe('the in-chart Prometheus: what it scrapes', () => {
  let manifests: Manifest[] = [];
  let config: PrometheusConfig;
  beforeAll(async () => {
    manifests = await render(KAFKA_METRICS);
    config = prometheusConfig(manifests);
  });

  it("has the local platform's jobs, and every job the alert rules name but ingest (the learner's own processes, not in the chart)", () => {
    const jobs = config.scrape_configs.map((j) => j.job_name);
    expect([...jobs].sort()).toEqual(
      [
        'prometheus',
        'alertmanager',
        'kafka',
        'kafka-lag',
        'node',
        'spark-master',
        'spark-worker',
        'spark-app',
        'postgres',
        'redis',
        'airflow',
        'objectstore',
        'superset',
        'jupyter',
      ].sort(),
    );
    const named = [...readFileSync(RULES_FILE, 'utf8').matchAll(/job="([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(named.length).toBeGreaterThan(3);
    expect([...new Set(named.filter((j) => !jobs.includes(j)))]).toEqual(['ingest']);
  });

  it('lists every metrics endpoint of the release: each pod a job selects has the port it keeps, and no endpoint is left unscraped', () => {
    const pods = podsOf(manifests);
    const covered: Record<string, string[]> = {};
    for (const job of config.scrape_configs.filter((j) => j.kubernetes_sd_configs)) {
      const selector = jobSelector(job);
      const port = jobPortName(job)!;
      covered[job.job_name] = pods
        .filter((pod) => selects({ matchLabels: selector }, pod.labels))
        .filter((pod) => port in namedPorts(pod))
        .map((pod) => pod.owner);
    }
    expect(covered).toEqual({
      kafka: ['StatefulSet/dp-kafka'],
      'kafka-lag': ['Deployment/dp-kafka-lag-exporter'],
      node: ['DaemonSet/dp-monitoring-node-exporter'],
      'spark-master': ['Deployment/dp-spark-master'],
      'spark-worker': ['Deployment/dp-spark-worker'],
      // The applications' drivers and executors, through the workers' statsd-exporter sidecars.
      'spark-app': ['Deployment/dp-spark-worker'],
      postgres: ['StatefulSet/dp-postgresql'],
      redis: ['StatefulSet/dp-airflow-redis'],
      airflow: ['Deployment/dp-airflow-statsd'],
      objectstore: ['StatefulSet/dp-objectstore'],
      superset: ['Deployment/dp-superset'],
      jupyter: ['Deployment/dp-jupyter'],
    });
    // The other way round: every pod with a port named metrics, or annotated for scraping, is
    // some job's, at the annotated path.
    const scraped = new Set(Object.values(covered).flat());
    const endpoints = pods.filter(
      (pod) =>
        'metrics' in namedPorts(pod) ||
        (
          manifests.find((m) => `${m.kind}/${m.metadata.name}` === pod.owner)?.spec as {
            template: { metadata: { annotations?: Record<string, string> } };
          }
        ).template.metadata.annotations?.['prometheus.io/scrape'] === 'true',
    );
    expect(endpoints.length).toBe(10);
    expect(endpoints.map((p) => p.owner).filter((o) => !scraped.has(o))).toEqual([]);
    const master = config.scrape_configs.find((j) => j.job_name === 'spark-master')!;
    expect(master.metrics_path).toBe('/metrics/master/prometheus/');
  });

  it("splits the StatsD series by name as the local platform's jobs do (its STATSD_JOBS): each sender's job keeps its prefix, airflow drops them all", () => {
    const relabels = Object.fromEntries(
      config.scrape_configs.map((j) => [
        j.job_name,
        (j as { metric_relabel_configs?: unknown }).metric_relabel_configs,
      ]),
    );
    for (const [prefix, job] of Object.entries(STATSD_JOBS))
      expect({ job, relabel: relabels[job] }).toEqual({
        job,
        relabel: [{ source_labels: ['__name__'], regex: `${prefix}_.*`, action: 'keep' }],
      });
    expect(relabels.airflow).toEqual([
      {
        source_labels: ['__name__'],
        regex: `(${Object.keys(STATSD_JOBS).join('|')})_.*`,
        action: 'drop',
      },
    ]);
    // The Spark applications' job keeps the series of the workers' sidecars, which only the
    // drivers and executors send to (locally the drivers' PrometheusServlet serves them, and the
    // streaming job's progress reaches Airflow's exporter): airflow's job need not drop them.
    expect(relabels['spark-app']).toEqual([
      {
        source_labels: ['__name__'],
        regex: '(metrics_datapark|datapark_streaming)_.*',
        action: 'keep',
      },
    ]);
    // No other job drops or keeps series.
    expect(
      Object.keys(relabels)
        .filter((job) => relabels[job])
        .sort(),
    ).toEqual(['airflow', 'spark-app', ...Object.values(STATSD_JOBS)].sort());
  });

  it("scrapes Jupyter's own /metrics with its login token, read from a file of the token's Secret mounted read-only (never in the configuration), as the local platform's job does", async () => {
    const jupyter = config.scrape_configs.find((j) => j.job_name === 'jupyter') as
      (PrometheusConfig['scrape_configs'][number] & { authorization?: unknown }) | undefined;
    expect(jupyter?.metrics_path).toBe('/metrics');
    expect(jupyter?.authorization).toEqual({
      type: 'token',
      credentials_file: '/etc/datapark/jupyter/token',
    });
    expect(jobPortName(jupyter!)).toBe('http');
    const token = secretData(manifests, 'dp-jupyter').token!;
    expect(token).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(prometheusYml(manifests)).not.toContain(token);
    const mounted = (m: readonly Manifest[]) => {
      const pod = podOf(m, 'StatefulSet/dp-monitoring-prometheus');
      const container = pod.spec.containers[0]! as (typeof pod.spec.containers)[0] & {
        volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
      };
      return {
        volume: pod.spec.volumes!.find((v) => v.name === 'jupyter-token'),
        mount: container.volumeMounts.find((v) => v.name === 'jupyter-token'),
        args: JSON.stringify(container.args),
      };
    };
    const jupyterSecret = (name: string) => ({
      volume: {
        name: 'jupyter-token',
        // Optional: a release without Jupyter has no such Secret, and Prometheus still starts.
        secret: { secretName: name, optional: true, items: [{ key: 'token', path: 'token' }] },
      },
      mount: { name: 'jupyter-token', mountPath: '/etc/datapark/jupyter', readOnly: true },
      args: expect.not.stringContaining('jupyter'),
    });
    expect(mounted(manifests)).toEqual(jupyterSecret('dp-jupyter'));
    // The user's Secret, named to the monitoring chart too (it cannot see Jupyter's values),
    // and the umbrella refuses the two disagreeing.
    const mine = await render([
      '--set',
      'jupyter.auth.existingSecret=my-jupyter',
      '--set',
      'monitoring.jupyter.secretName=my-jupyter',
    ]);
    expect(mounted(mine)).toEqual(jupyterSecret('my-jupyter'));
    const disagreeing = await templateUmbrella(['--set', 'jupyter.auth.existingSecret=my-jupyter']);
    expect(disagreeing.exitCode).not.toBe(0);
    expect(disagreeing.stderr).toContain('set monitoring.jupyter.secretName=my-jupyter');
    // Off: neither the job nor the token in Prometheus' pod.
    const off = await render(['--set', 'monitoring.jupyter.scrape=false']);
    expect(prometheusConfig(off).scrape_configs.map((j) => j.job_name)).not.toContain('jupyter');
    expect(mounted(off)).toMatchObject({ volume: undefined, mount: undefined });
    // Jupyter's metrics off while the in-chart Prometheus would still scrape it: refused.
    const half = await templateUmbrella(['--set', 'jupyter.metrics.enabled=false']);
    expect(half.exitCode).not.toBe(0);
    expect(half.stderr).toContain('set monitoring.jupyter.scrape=false too');
    // With no monitoring at all there is no Prometheus to disagree with (the local-images profile).
    const noMonitoring = await templateUmbrella([
      '--set',
      'monitoring.enabled=false',
      '--set',
      'jupyter.metrics.enabled=false',
    ]);
    expect({
      code: noMonitoring.exitCode,
      problem: /Error: .*/.exec(noMonitoring.stderr)?.[0],
    }).toEqual({
      code: 0,
      problem: undefined,
    });
  });

  it("discovers pods in the release's namespace only, labels each target with its pod as unit, and sends alerts to its Alertmanager", async () => {
    for (const job of config.scrape_configs.filter((j) => j.kubernetes_sd_configs)) {
      expect(job.kubernetes_sd_configs).toEqual([
        {
          role: 'pod',
          namespaces: { names: ['datapark'] },
          selectors: [
            { role: 'pod', label: expect.stringMatching(/^app\.kubernetes\.io\/instance=dp,/) },
          ],
        },
      ]);
      expect(job.relabel_configs).toContainEqual({
        source_labels: ['__meta_kubernetes_pod_name'],
        target_label: 'unit',
      });
    }
    const elsewhere = prometheusConfig(
      parseManifests(
        await helmOut(['template', 'dp', join(ROOT, 'charts/datapark'), '--namespace', 'lab']),
      ),
    );
    const namespaces = elsewhere.scrape_configs.flatMap((j) =>
      (j.kubernetes_sd_configs ?? []).flatMap((sd) => sd.namespaces?.names ?? ['(all)']),
    );
    expect(new Set(namespaces)).toEqual(new Set(['lab']));
    expect(config.alerting.alertmanagers).toEqual([
      {
        basic_auth: { username: USER, password_file: '/etc/datapark/auth/password' },
        static_configs: [{ targets: ['dp-monitoring-alertmanager:9093'] }],
      },
    ]);
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yml']);
    expect(config.global).toMatchObject({ scrape_interval: '15s', evaluation_interval: '15s' });
  });
});

/** helm with `args`, failing with its message. */
async function helmOut(args: string[]): Promise<string> {
  const result = await helm(args);
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe('the in-chart Prometheus: RBAC, policies, secrets, pods', () => {
  let manifests: Manifest[] = [];
  beforeAll(async () => {
    manifests = await render(KAFKA_METRICS);
  });

  it('may list and watch the pods of its namespace and nothing else: a Role, no cluster-wide object, no other pod with a token', () => {
    const kinds = manifests.map((m) => m.kind);
    expect(kinds).not.toContain('ClusterRole');
    expect(kinds).not.toContain('ClusterRoleBinding');
    const roles = manifests.filter((m) => m.kind === 'Role');
    expect(roles.map((r) => r.metadata.name)).toEqual(['dp-monitoring-prometheus']);
    expect((roles[0] as unknown as { rules: unknown }).rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ]);
    // Its service discovery asks for pods only, which is all the Role grants.
    expect(
      new Set(
        prometheusConfig(manifests).scrape_configs.flatMap((j) =>
          (j.kubernetes_sd_configs ?? []).map((sd) => sd.role),
        ),
      ),
    ).toEqual(new Set(['pod']));
    const binding = named(manifests, 'RoleBinding', 'dp-monitoring-prometheus') as unknown as {
      roleRef: unknown;
      subjects: unknown;
    };
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'dp-monitoring-prometheus',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'dp-monitoring-prometheus', namespace: 'datapark' },
    ]);
    const withToken = podsOf(manifests)
      .filter(
        (p) =>
          (p.spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken !==
          false,
      )
      .map((p) => [p.owner, (p.spec as { serviceAccountName?: string }).serviceAccountName]);
    expect(withToken).toEqual([
      ['StatefulSet/dp-monitoring-prometheus', 'dp-monitoring-prometheus'],
    ]);
  });

  it("reaches out exactly to each target's metrics port, Alertmanager, the Kubernetes API and DNS: the release-wide egress policy leaves it alone", () => {
    const prometheus = podOf(manifests, 'StatefulSet/dp-monitoring-prometheus');
    const policies = policiesOf(manifests);
    const applying = policies.filter((p) => {
      const spec = p.spec as unknown as PolicySpec;
      return spec.policyTypes.includes('Egress') && selects(spec.podSelector, prometheus.labels);
    });
    // The release's default deny (no rule) and its own policy; not the release-wide egress one.
    expect(applying.map((p) => p.metadata.name).sort()).toEqual([
      'dp-default-deny',
      'dp-monitoring-prometheus',
    ]);
    expect(
      (applying.find((p) => p.metadata.name === 'dp-default-deny')!.spec as unknown as PolicySpec)
        .egress,
    ).toBeUndefined();
    const own = applying.find((p) => p.metadata.name === 'dp-monitoring-prometheus')!;
    const peerName = (peer: Record<string, unknown>) => {
      if (peer.ipBlock) return `ipBlock ${(peer.ipBlock as { cidr: string }).cidr}`;
      if (peer.namespaceSelector) return 'dns';
      const exprs = (peer.podSelector as { matchExpressions: { key: string; values: string[] }[] })
        .matchExpressions;
      const value = (key: string) => exprs.find((e) => e.key === key)!.values.join('|');
      return `${value('app.kubernetes.io/instance')}/${value('app.kubernetes.io/name')}/${value('app.kubernetes.io/component')}`;
    };
    const rules = ((own.spec as unknown as PolicySpec).egress ?? []).map((rule) => ({
      ports: (rule.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).sort(),
      to: (rule.to ?? []).map((p) => peerName(p as Record<string, unknown>)).sort(),
    }));
    expect(rules).toEqual([
      // Jupyter's HTTP port, where jupyter_server serves /metrics, to Jupyter's pod only.
      { ports: ['http/TCP'], to: ['dp/jupyter/jupyter'] },
      {
        ports: ['metrics/TCP'],
        to: [
          'dp/airflow/redis',
          'dp/airflow/statsd',
          'dp/kafka/broker',
          'dp/kafka/lag-exporter',
          'dp/monitoring/node-exporter',
          'dp/objectstore/objectstore',
          'dp/postgresql/postgresql',
          'dp/spark/worker',
          'dp/superset/superset',
        ],
      },
      { ports: ['ui/TCP'], to: ['dp/spark/master', 'dp/spark/worker'] },
      { ports: ['http/TCP'], to: ['dp/monitoring/alertmanager'] },
      {
        ports: ['443/TCP', '6443/TCP'],
        to: ['ipBlock 10.0.0.0/8', 'ipBlock 172.16.0.0/12', 'ipBlock 192.168.0.0/16'],
      },
      { ports: ['53/TCP', '53/UDP'], to: ['dns'] },
    ]);
    expect(egressProblems(policies, prometheus, 'prometheus')).toEqual([]);
    // Every other pod keeps the release-wide policy, but the Kafka lag exporter and the node
    // exporter, which have their own too (network-policies.test.ts: the brokers' port and DNS;
    // nothing).
    const releaseWide = policies.find((p) => p.metadata.name === 'dp-egress')!;
    const others = podsOf(manifests).filter((p) => p.owner !== prometheus.owner);
    expect(
      others
        .filter((p) => !selects((releaseWide.spec as unknown as PolicySpec).podSelector, p.labels))
        .map((p) => p.owner)
        .sort(),
    ).toEqual(['DaemonSet/dp-monitoring-node-exporter', 'Deployment/dp-kafka-lag-exporter']);
  });

  it('generates the password of both UIs and its bcrypt web configuration, new on every fresh render, and reads a Secret of yours instead', async () => {
    const data = secretData(manifests, 'dp-monitoring');
    expect(data.username).toBe(USER);
    expect(data.password).toMatch(/^[A-Za-z0-9]{24}$/);
    const web = parse(data['web.yml']!) as { basic_auth_users: Record<string, string> };
    expect(Object.keys(web.basic_auth_users)).toEqual([USER]);
    expect(web.basic_auth_users[USER]).toMatch(/^\$2[aby]\$10\$[./A-Za-z0-9]{53}$/);
    expect(secretData(await render(), 'dp-monitoring').password).not.toBe(data.password);
    // Both pods read the password and the web configuration from it, as files.
    for (const owner of [
      'StatefulSet/dp-monitoring-prometheus',
      'Deployment/dp-monitoring-alertmanager',
    ]) {
      const volume = podOf(manifests, owner).spec.volumes!.find((v) => v.name === 'auth');
      expect(volume).toEqual({
        name: 'auth',
        secret: {
          secretName: 'dp-monitoring',
          items: [
            { key: 'password', path: 'password' },
            { key: 'web.yml', path: 'web.yml' },
          ],
        },
      });
      expect(podOf(manifests, owner).spec.containers[0]!.args).toContain(
        '--web.config.file=/etc/datapark/auth/web.yml',
      );
    }
    const mine = await render(['--set', 'monitoring.auth.existingSecret=my-monitoring']);
    expect(named(mine, 'Secret', 'dp-monitoring')).toBeUndefined();
    expect(
      (
        podOf(mine, 'Deployment/dp-monitoring-alertmanager').spec.volumes!.find(
          (v) => v.name === 'auth',
        )!.secret as { secretName: string }
      ).secretName,
    ).toBe('my-monitoring');
  });

  it('runs as nobody with a read-only root filesystem, its TSDB on a volume claim, the rules and dashboards mounted', () => {
    const sts = named(manifests, 'StatefulSet', 'dp-monitoring-prometheus')!;
    const pod = podOf(manifests, sts.kind + '/' + sts.metadata.name);
    expect(pod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      fsGroup: 65534,
    });
    const container = pod.spec.containers[0]! as (typeof pod.spec.containers)[0] & {
      volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
    };
    expect(container.image).toBe('prom/prometheus:v2.42.0');
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(container.args).toEqual(
      expect.arrayContaining([
        '--storage.tsdb.path=/prometheus',
        '--storage.tsdb.retention.time=2d',
        '--storage.tsdb.retention.size=1536MB',
        '--web.console.templates=/etc/prometheus/dashboards/consoles',
        // The local platform's (ALERT_RESEND_DELAY).
        `--rules.alert.resend-delay=${ALERT_RESEND_DELAY}`,
      ]),
    );
    // The only writable mount is the claim.
    const writable = container.volumeMounts.filter((m) => !m.readOnly);
    expect(writable).toEqual([{ name: 'data', mountPath: '/prometheus' }]);
    expect((sts.spec as { volumeClaimTemplates: unknown[] }).volumeClaimTemplates).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: 'data' }),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
      }),
    ]);
    const dashboards = named(manifests, 'ConfigMap', 'dp-monitoring-dashboards')!.data!;
    expect(dashboards['datapark.html']).toBe(
      readFileSync(join(ROOT, 'packages/platform-local/monitoring/consoles/datapark.html'), 'utf8'),
    );
    expect(Object.keys(dashboards)).toContain('prom.lib');
    const alertmanager = podOf(manifests, 'Deployment/dp-monitoring-alertmanager');
    expect(alertmanager.spec.containers[0]!.image).toBe('prom/alertmanager:v0.31.1');
    expect(alertmanager.spec.containers[0]!.args).toContain('--cluster.listen-address=');
  });

  it('has Ingresses that leave basic auth to Prometheus and Alertmanager (a browser sends one password), with TLS and their external URLs', async () => {
    const { manifests: ha } = await renderProfile('ha');
    for (const [name, host] of [
      ['dp-monitoring-prometheus', 'prometheus.datapark.example.org'],
      ['dp-monitoring-alertmanager', 'alertmanager.datapark.example.org'],
    ] as const) {
      const ingress = named(ha, 'Ingress', name)!;
      expect(ingress.metadata.annotations ?? {}).not.toHaveProperty(
        'nginx.ingress.kubernetes.io/auth-type',
      );
      expect((ingress.spec as { tls: unknown }).tls).toEqual([
        { hosts: [host], secretName: 'datapark-wildcard-tls' },
      ]);
      const owner = name.endsWith('prometheus') ? `StatefulSet/${name}` : `Deployment/${name}`;
      expect(podOf(ha, owner).spec.containers[0]!.args).toContain(
        `--web.external-url=https://${host}/`,
      );
    }
  });
});

/**
 * Debian's promtool (package prometheus, 2.42.0+ds, the local platform's version) is built
 * without the Kubernetes service discovery and refuses `kubernetes_sd_configs`; a promtool with
 * it is a build of Prometheus' whole module (12 minutes of a cold CI on two cores), so the check
 * below swaps each job's discovery for a static target and checks the rest: relabelling, auth,
 * alerting, the rules. The discovery itself is asserted structurally above (role pod, this
 * namespace only).
 */
function debianPromtool(): string {
  return requireExecutable('promtool', 'bash tools/ci/apt.sh (Debian package prometheus)');
}

/** prometheus.yml with every kubernetes_sd_configs replaced by one static target. */
function withStaticDiscovery(text: string): string {
  const config = parse(text) as { scrape_configs: Record<string, unknown>[] };
  for (const job of config.scrape_configs) {
    if (!job['kubernetes_sd_configs']) continue;
    delete job['kubernetes_sd_configs'];
    job['static_configs'] = [{ targets: ['127.0.0.1:9'] }];
  }
  return stringify(config);
}

describe("the rendered files in Prometheus' own tools and binaries", () => {
  let manifests: Manifest[] = [];
  let dir = '';
  let password = '';
  beforeAll(async () => {
    manifests = await render(KAFKA_METRICS);
    dir = mkdtempSync(join(tmpdir(), 'datapark-charts-prometheus-'));
    const data = secretData(manifests, 'dp-monitoring');
    password = data.password!;
    mkdirSync(join(dir, 'auth'));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'auth', 'password'), password);
    writeFileSync(join(dir, 'auth', 'web.yml'), data['web.yml']!);
    mkdirSync(join(dir, 'jupyter'));
    writeFileSync(join(dir, 'jupyter', 'token'), secretData(manifests, 'dp-jupyter').token!);
    for (const [key, text] of Object.entries(
      named(manifests, 'ConfigMap', 'dp-monitoring-rules')!.data!,
    ))
      writeFileSync(join(dir, 'rules', key), text);
  });

  /** The rendered prometheus.yml with the pod's paths moved to `dir`. */
  const localized = (text: string) =>
    text
      .replaceAll('/etc/datapark/auth/', `${dir}/auth/`)
      .replaceAll('/etc/datapark/jupyter/', `${dir}/jupyter/`)
      .replaceAll('/etc/prometheus/rules/', `${dir}/rules/`);

  it('passes promtool check config (discovery made static), the rules included, and check web-config', () => {
    const promtool = debianPromtool();
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, withStaticDiscovery(localized(prometheusYml(manifests))));
    const check = spawnSync(promtool, ['check', 'config', file], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    // The rules it loads are checked too: every one of the rules file.
    const rules = (
      parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: unknown[] }[] }
    ).groups.flatMap((g) => g.rules).length;
    expect(check.stdout + check.stderr).toContain('SUCCESS: 1 rule files found');
    expect(check.stdout + check.stderr).toContain(`SUCCESS: ${rules} rules found`);
    expect(check.status).toBe(0);
    const web = spawnSync(promtool, ['check', 'web-config', join(dir, 'auth', 'web.yml')], {
      encoding: 'utf8',
    });
    expect(web.status).toBe(0);
    // A broken configuration fails (so the pass above means something).
    const broken = join(dir, 'broken.yml');
    writeFileSync(
      broken,
      withStaticDiscovery(localized(prometheusYml(manifests))).replace(
        'action: keep',
        'action: kept',
      ),
    );
    expect(spawnSync(promtool, ['check', 'config', broken], { encoding: 'utf8' }).status).not.toBe(
      0,
    );
  });

  describe('Prometheus 2.42 (Debian) and Alertmanager 0.31.1 (tools/ci/monitoring.sh)', () => {
    let prometheus: Daemon;
    let alertmanager: Daemon;
    let promPort = 0;
    let amPort = 0;
    beforeAll(async () => {
      const prometheusBin = requireExecutable(
        'prometheus',
        'bash tools/ci/apt.sh (Debian package prometheus)',
      );
      const alertmanagerBin = requireExecutable(
        'alertmanager',
        'bash tools/ci/monitoring.sh builds it',
        [goBin()],
      );
      [promPort, amPort] = [await freePort(), await freePort()];
      // The chart's prometheus.yml as it is, addresses and paths moved here, and without the
      // Kubernetes jobs: Debian's Prometheus is built without that discovery (checked
      // structurally above), and there is no cluster here to discover.
      const config = parse(localized(prometheusYml(manifests))) as PrometheusConfig & {
        global: Record<string, unknown>;
      };
      const local = {
        ...config,
        global: {
          ...config.global,
          scrape_interval: '1s',
          scrape_timeout: '1s',
          evaluation_interval: '1s',
        },
        alerting: {
          alertmanagers: config.alerting.alertmanagers.map((a) => ({
            ...a,
            static_configs: [{ targets: [`127.0.0.1:${amPort}`] }],
          })),
        },
        scrape_configs: config.scrape_configs
          .filter((j) => !j.kubernetes_sd_configs)
          .map((j) => ({
            ...j,
            static_configs: j.static_configs!.map((s) => ({
              ...s,
              targets: [`127.0.0.1:${j.job_name === 'prometheus' ? promPort : amPort}`],
            })),
          })),
      };
      writeFileSync(join(dir, 'prometheus-local.yml'), stringify(local));
      writeFileSync(
        join(dir, 'alertmanager.yml'),
        named(manifests, 'ConfigMap', 'dp-monitoring-alertmanager')!.data!['alertmanager.yml']!,
      );
      const amArgs = podOf(
        manifests,
        'Deployment/dp-monitoring-alertmanager',
      ).spec.containers[0]!.args!.map((a) =>
        a
          .replace('/etc/alertmanager/', `${dir}/`)
          .replace('/etc/datapark/auth/', `${dir}/auth/`)
          .replace(/^--storage\.path=.*/, `--storage.path=${dir}/alertmanager-data`)
          .replace(/^--web\.listen-address=.*/, `--web.listen-address=127.0.0.1:${amPort}`),
      );
      alertmanager = startDaemon(alertmanagerBin, amArgs, 'alertmanager');
      prometheus = startDaemon(
        prometheusBin,
        [
          `--config.file=${dir}/prometheus-local.yml`,
          `--storage.tsdb.path=${dir}/prometheus-data`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          `--web.config.file=${dir}/auth/web.yml`,
        ],
        'prometheus',
      );
      await waitFor(
        'Prometheus ready',
        async () =>
          (await get(`http://127.0.0.1:${promPort}/-/ready`, { username: USER, password }))
            .status === 200
            ? true
            : undefined,
        prometheus,
      );
      await waitFor(
        'Alertmanager ready',
        async () =>
          (await get(`http://127.0.0.1:${amPort}/-/ready`, { username: USER, password })).status ===
          200
            ? true
            : undefined,
        alertmanager,
      );
    }, 60_000);
    afterAll(async () => {
      await prometheus?.stop();
      await alertmanager?.stop();
    });

    it('let in the generated password and nothing else, on every page and API', async () => {
      for (const [port, api] of [
        [promPort, '/api/v1/status/buildinfo'],
        [amPort, '/api/v2/status'],
      ] as const)
        for (const path of ['/-/ready', '/-/healthy', api]) {
          const url = `http://127.0.0.1:${port}${path}`;
          expect({ url, status: (await get(url, { username: USER, password })).status }).toEqual({
            url,
            status: 200,
          });
          expect({ url, status: (await get(url)).status }).toEqual({ url, status: 401 });
          expect({
            url,
            status: (await get(url, { username: USER, password: `${password}x` })).status,
          }).toEqual({ url, status: 401 });
        }
      const build = JSON.parse(
        (
          await get(`http://127.0.0.1:${promPort}/api/v1/status/buildinfo`, {
            username: USER,
            password,
          })
        ).body,
      ) as { data: { version: string } };
      expect(build.data.version).toMatch(/^2\.42\.0/);
    });

    it("pass the pods' probes: the exec command, run by BusyBox as the images have it", () => {
      const busybox = requireExecutable(
        'busybox',
        'bash tools/ci/apt.sh (Debian package busybox-static)',
      );
      for (const [owner, port] of [
        ['StatefulSet/dp-monitoring-prometheus', promPort],
        ['Deployment/dp-monitoring-alertmanager', amPort],
      ] as const) {
        const container = podOf(manifests, owner).spec.containers[0]!;
        for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
          const command = (container[probe] as { exec: { command: string[] } }).exec.command;
          expect(command.slice(0, 2)).toEqual(['sh', '-c']);
          const script = command[2]!
            .replace('/etc/datapark/auth/', `${dir}/auth/`)
            .replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`);
          const ok = spawnSync(busybox, ['sh', '-c', script], { encoding: 'utf8' });
          expect({ owner, probe, status: ok.status, output: ok.stderr }).toEqual({
            owner,
            probe,
            status: 0,
            output: '',
          });
          // With a wrong password the probe fails, and says so without the password.
          const wrong = spawnSync(
            busybox,
            ['sh', '-c', script.replace(`${dir}/auth/password`, `${dir}/rules/datapark.rules.yml`)],
            { encoding: 'utf8' },
          );
          expect(wrong.status).not.toBe(0);
          expect(wrong.stderr + wrong.stdout).not.toContain(password);
        }
      }
    });

    it('load the rules, scrape themselves with the password, and find the Alertmanager the alerts go to', async () => {
      const api = async (path: string) =>
        JSON.parse(
          (await get(`http://127.0.0.1:${promPort}${path}`, { username: USER, password })).body,
        ) as { data: unknown };
      const groups = (
        (await api('/api/v1/rules')).data as { groups: { name: string }[] }
      ).groups.map((g) => g.name);
      expect(groups.sort()).toEqual(
        (parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { name: string }[] }).groups
          .map((g) => g.name)
          .sort(),
      );
      const up = await waitFor(
        'both jobs scraped',
        async () => {
          const result = (
            (await api('/api/v1/query?query=up')).data as {
              result: { metric: Record<string, string>; value: [number, string] }[];
            }
          ).result;
          return result.length === 2 && result.every((r) => r.value[1] === '1')
            ? result
            : undefined;
        },
        prometheus,
      );
      expect(up.map((r) => `${r.metric.job} ${r.metric.unit}`).sort()).toEqual([
        'alertmanager alertmanager',
        'prometheus prometheus',
      ]);
      const active = await waitFor(
        'Alertmanager discovered',
        async () => {
          const data = (await api('/api/v1/alertmanagers')).data as {
            activeAlertmanagers: { url: string }[];
          };
          return data.activeAlertmanagers.length > 0 ? data.activeAlertmanagers : undefined;
        },
        prometheus,
      );
      expect(active).toEqual([{ url: `http://127.0.0.1:${amPort}/api/v2/alerts` }]);
    });
  });
});
