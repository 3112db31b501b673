import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, parseManifests, renderYaml } from './fixtures/render.js';
import type { Manifest } from './fixtures/render.js';

// Monitoring in the chart: Spark's metrics endpoints with scrape annotations, NetworkPolicies
// that let the cluster's Prometheus in to exactly those ports, PodMonitors and a PrometheusRule
// only where the Prometheus Operator's CRDs are served (or when forced), and the alert rules of
// the local platform, the one source, carried over unchanged.

const RULES_FILE = join(ROOT, 'packages/platform-local/monitoring/rules/datapark.rules.yml');
const OPERATOR = [
  '--api-versions',
  'monitoring.coreos.com/v1/PodMonitor',
  '--api-versions',
  'monitoring.coreos.com/v1/PrometheusRule',
];
const PROMETHEUS_NAMESPACE = { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } };

const render = async (args: string[] = []) => parseManifests(await renderYaml(args));
const named = (manifests: Manifest[], kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name);
const podAnnotations = (m: Manifest | undefined) =>
  (m?.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template
    .metadata.annotations ?? {};

interface IngressRule {
  ports?: { port: string | number }[];
  from?: { namespaceSelector?: unknown; podSelector?: unknown }[];
}

/** Per NetworkPolicy, the ports its rules open to the Prometheus namespace. */
function portsOpenedToPrometheus(manifests: Manifest[]): Record<string, (string | number)[]> {
  const opened: Record<string, (string | number)[]> = {};
  for (const policy of manifests.filter((m) => m.kind === 'NetworkPolicy'))
    for (const rule of ((policy.spec as { ingress?: IngressRule[] }).ingress ?? []).filter((r) =>
      (r.from ?? []).some(
        (peer) => JSON.stringify(peer.namespaceSelector) === JSON.stringify(PROMETHEUS_NAMESPACE),
      ),
    ))
      (opened[policy.metadata.name] ??= []).push(...(rule.ports ?? []).map((p) => p.port));
  return opened;
}

describe('monitoring in the chart', () => {
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

  it("lets the Prometheus namespace's Prometheus pods in to the Spark UI ports, and to nothing else", async () => {
    const opened = portsOpenedToPrometheus(await render());
    expect(opened).toEqual({ 'dp-spark-master': ['ui'], 'dp-spark-worker': ['ui'] });
  });

  it('renders no Prometheus Operator object where its CRDs are not served', async () => {
    const kinds = new Set((await render()).map((m) => m.kind));
    expect(kinds).not.toContain('PodMonitor');
    expect(kinds).not.toContain('PrometheusRule');
  });

  it('carries the alert rules of the local platform unchanged, as a ConfigMap', async () => {
    const rules = named(await render(), 'ConfigMap', 'dp-monitoring-rules');
    expect(rules?.data).toEqual({ 'datapark.rules.yml': readFileSync(RULES_FILE, 'utf8') });
  });

  it('with the Prometheus Operator: PodMonitors named as the rules expect, and the rules as a PrometheusRule', async () => {
    const manifests = await render(OPERATOR);
    for (const [component, path] of [
      ['master', '/metrics/master/prometheus/'],
      ['worker', '/metrics/prometheus/'],
    ] as const) {
      const monitor = named(manifests, 'PodMonitor', `dp-spark-${component}`);
      expect(monitor?.spec).toMatchObject({
        selector: { matchLabels: { 'app.kubernetes.io/component': component } },
        podMetricsEndpoints: [
          {
            port: 'ui',
            path,
            relabelings: expect.arrayContaining([
              { action: 'replace', targetLabel: 'job', replacement: `spark-${component}` },
            ]),
          },
        ],
      });
    }
    const rule = named(manifests, 'PrometheusRule', 'dp-monitoring-rules');
    const source = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: unknown[] };
    expect(rule?.spec).toEqual({ groups: source.groups });
  });

  it('follows its switches: PodMonitors forced on, metrics off, the rules off', async () => {
    const forced = await render(['--set', 'spark.metrics.podMonitor=true']);
    expect(forced.filter((m) => m.kind === 'PodMonitor')).toHaveLength(2);
    const off = await render([
      ...OPERATOR,
      '--set',
      'spark.metrics.enabled=false',
      '--set',
      'monitoring.enabled=false',
    ]);
    expect(off.filter((m) => ['PodMonitor', 'PrometheusRule'].includes(m.kind))).toEqual([]);
    expect(named(off, 'ConfigMap', 'dp-monitoring-rules')).toBeUndefined();
    expect(podAnnotations(named(off, 'Deployment', 'dp-spark-master'))).not.toHaveProperty(
      'prometheus.io/scrape',
    );
    expect(portsOpenedToPrometheus(off)).toEqual({});
    expect(named(off, 'ConfigMap', 'dp-spark')!.data!['spark-defaults.conf']).not.toContain(
      'prometheus',
    );
  });
});
