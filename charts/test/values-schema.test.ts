import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART, SUBCHARTS, helm } from './fixtures/render.js';

async function templateWith(...set: string[]) {
  return helm([
    'template',
    'dp',
    CHART,
    '--namespace',
    'datapark',
    ...set.flatMap((s) => ['--set', s]),
  ]);
}

describe('values.schema.json', () => {
  it.each(['', ...SUBCHARTS.map((c) => `charts/${c}/`)])(
    'exists for %s (umbrella when empty), closed to unknown keys',
    (dir) => {
      const file = join(CHART, dir, 'values.schema.json');
      expect(existsSync(file)).toBe(true);
      const schema = JSON.parse(readFileSync(file, 'utf8')) as {
        additionalProperties: boolean;
        properties: object;
      };
      expect(schema.additionalProperties).toBe(false);
      expect(Object.keys(schema.properties).length).toBeGreaterThan(3);
    },
  );

  it.each(SUBCHARTS.map((c) => [c] as const))(
    'describes every value of %s with a type and a description',
    (chart) => {
      const schema = JSON.parse(
        readFileSync(join(CHART, 'charts', chart, 'values.schema.json'), 'utf8'),
      ) as Node;
      type Node = {
        type?: string | string[];
        oneOf?: unknown;
        description?: string;
        properties?: Record<string, Node>;
      };
      const undescribed: string[] = [];
      const walk = (node: Node, path: string) => {
        for (const [key, child] of Object.entries(node.properties ?? {})) {
          const here = path ? `${path}.${key}` : key;
          if (!child.description || (!child.type && !child.oneOf)) undescribed.push(here);
          walk(child, here);
        }
      };
      walk(schema, '');
      expect(undescribed).toEqual([]);
    },
  );

  it.each([
    ['kafka.replicas=three', 'kafka:', "at '/replicas': got string, want integer"],
    ['postgresql.storage.size=5', 'postgresql:', "at '/storage/size': got number, want string"],
    ['spark.worker.memory=lots', 'spark:', "at '/worker/memory'"],
    ['kafka.image.tag=latest', 'kafka:', "at '/image/tag'"],
    ['airflow.worker.replicas=0', 'airflow:', "at '/worker/replicas': minimum"],
    ['jupyter.port=70000', 'jupyter:', "at '/port': maximum"],
    ['spark.eventLog.accessMode=Sometimes', 'spark:', "at '/eventLog/accessMode'"],
    ['postgresql.resources.requests.memory=lots', 'postgresql:', "at '/resources/requests/memory'"],
    ['kafak.replicas=3', 'datapark:', "additional properties 'kafak' not allowed"],
    ['objectstore.port=0', 'objectstore:', "at '/port': minimum"],
    ['global.sparkJars.repository=maven', 'datapark:', "at '/global/sparkJars/repository'"],
    [
      'global.monitoring.inChartPrometheus=maybe',
      'datapark:',
      "at '/global/monitoring/inChartPrometheus'",
    ],
    ['monitoring.prometheus.retention.size=lots', 'monitoring:', "at '/prometheus/retention/size'"],
    ['kafka.metrics.jmxExporter.sha256=abc', 'kafka:', "at '/metrics/jmxExporter/sha256'"],
    ['postgresql.metrics.image.tag=latest', 'postgresql:', "at '/metrics/image/tag'"],
    ['kafka.lagExporter.image.tag=latest', 'kafka:', "at '/lagExporter/image/tag'"],
    ['kafka.lagExporter.podMonitor=sometimes', 'kafka:', "at '/lagExporter/podMonitor'"],
    ['monitoring.nodeExporter.image.tag=latest', 'monitoring:', "at '/nodeExporter/image/tag'"],
    [
      'monitoring.nodeExporter.podMonitor=sometimes',
      'monitoring:',
      "at '/nodeExporter/podMonitor'",
    ],
    [
      'monitoring.nodeExporter.tolerations[0].operator=Maybe',
      'monitoring:',
      "at '/nodeExporter/tolerations/0/operator'",
    ],
  ])('rejects %s with a message naming the chart and the field', async (set, chart, message) => {
    const result = await templateWith(set);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema");
    expect(result.stderr).toContain(chart);
    expect(result.stderr).toContain(message);
  });

  it('accepts the defaults', async () => {
    const result = await templateWith();
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.exitCode).toBe(0);
  });
});

describe('validateValues', () => {
  it('gathers every problem of a chart and fails once, listing them all', async () => {
    const result = await templateWith('kafka.replicas=2');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('Invalid values:');
    expect(result.stderr).toContain(
      'kafka.replicas: 2 is even; the KRaft controller quorum needs an odd number',
    );
    expect(result.stderr).toContain(
      'kafka.replicas: 2 nodes cannot hold these topics of the events catalog',
    );
    expect(result.stderr).toContain('order-events (3)');
  });

  it('refuses an Ingress without TLS, with every other problem of the umbrella, unless plain HTTP is accepted explicitly', async () => {
    const result = await templateWith('global.ingress.enabled=true', 'global.ingress.domain=');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      "global.ingress.tls.enabled: the Ingress would serve the UIs over plain HTTP, so the basic-auth password and the UIs' own logins (Airflow's password, Jupyter's token) would cross the network in clear",
    );
    expect(result.stderr).toContain('global.ingress.allowInsecureHttp=true');
    expect(result.stderr).toContain('global.ingress.domain: required when global.ingress.enabled');
    expect(
      (await templateWith('global.ingress.enabled=true', 'global.ingress.tls.enabled=true'))
        .exitCode,
    ).toBe(0);
    expect(
      (await templateWith('global.ingress.enabled=true', 'global.ingress.allowInsecureHttp=true'))
        .exitCode,
    ).toBe(0);
    const withoutBasicAuth = await templateWith(
      'global.ingress.enabled=true',
      'global.ingress.basicAuth.enabled=false',
    );
    expect(withoutBasicAuth.exitCode).not.toBe(0);
    expect(withoutBasicAuth.stderr).toContain(
      "over plain HTTP, so the UIs' own logins (Airflow's password, Jupyter's token) would cross",
    );
  });

  it('checks across components: Airflow and Superset without PostgreSQL', async () => {
    const result = await templateWith('postgresql.enabled=false');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('airflow.enabled: Airflow keeps its metadata in PostgreSQL');
    expect(result.stderr).toContain('superset.enabled: Superset keeps its metadata in PostgreSQL');
  });

  it('lets a component be turned off alone', async () => {
    for (const component of ['kafka', 'spark', 'jupyter', 'airflow', 'superset', 'objectstore']) {
      const result = await templateWith(`${component}.enabled=false`);
      expect({ component, exitCode: result.exitCode }).toEqual({ component, exitCode: 0 });
      expect(result.stdout).not.toContain(`app.kubernetes.io/name: ${component}\n`);
    }
  });
});
