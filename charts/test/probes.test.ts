import { podsOf } from './fixtures/pods.js';
import { platformConfig } from './fixtures/platform.js';
import { renderProfile } from './fixtures/render.js';

// The chart's HTTP probes, asked of the same software the local platform runs (Spark 4.1.1,
// Airflow 3.3.2, JupyterLab, Superset 6.1.0): a probe path that a version does not serve would keep a pod
// unready forever. The scheduler's /health needs its health server, which the local platform
// does not start, so it is left out.
const config = platformConfig();
const LOCAL: Record<string, string> = {
  'spark/master': config.spark.uiUrl,
  'spark/worker': (() => {
    const ui = new URL(config.spark.uiUrl);
    ui.port = String(Number(ui.port) + 1);
    return ui.toString();
  })(),
  'spark/history': config.spark.historyUrl,
  'airflow/api-server': config.airflow.url,
  'jupyter/jupyter': config.jupyter.url,
  'superset/superset': config.superset.url,
};

describe('HTTP probes', () => {
  it('answer 200 on the running local platform for every component that has one', async () => {
    const { manifests } = await renderProfile('default');
    const checked: string[] = [];
    const failed: string[] = [];
    for (const pod of podsOf(manifests)) {
      const component = `${pod.labels['app.kubernetes.io/name']}/${pod.labels['app.kubernetes.io/component']}`;
      const base = LOCAL[component];
      if (!base) continue;
      // A statsd-exporter sidecar's probes are statsd_exporter's own (/-/ready, /-/healthy),
      // not the component's (monitoring.test.ts checks them).
      for (const container of pod.spec.containers.filter((c) => c.name !== 'statsd-exporter'))
        for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
          const path = (container[kind] as { httpGet?: { path: string } } | undefined)?.httpGet
            ?.path;
          if (!path) continue;
          const url = new URL(path, base).toString();
          const response = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch(
            (e: Error) => e,
          );
          checked.push(`${component} ${kind} ${path}`);
          if (response instanceof Error || response.status !== 200)
            failed.push(
              `${component} ${kind} ${url}: ${response instanceof Error ? response.message : response.status}`,
            );
        }
    }
    expect(failed).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(15);
  });
});
