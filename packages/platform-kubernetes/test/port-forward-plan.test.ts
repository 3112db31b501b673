import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { loadConfig, writeEndpointsFile } from '@datapark/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  endpointsFromPlan,
  inClusterEndpoints,
  planPortForwards,
} from '../src/port-forward-plan.js';

// Services and pods as charts/datapark labels them (app.kubernetes.io/name = chart,
// app.kubernetes.io/component = part of it).
const labels = (chart: string, component: string) => ({
  'app.kubernetes.io/name': chart,
  'app.kubernetes.io/instance': 'dp',
  'app.kubernetes.io/component': component,
});

function service(
  name: string,
  chart: string,
  component: string,
  ports: { name: string; port: number; targetPort?: string | number }[],
  headless = false,
): V1Service {
  return {
    metadata: { name, labels: labels(chart, component) },
    spec: {
      ...(headless ? { clusterIP: 'None' } : {}),
      selector: labels(chart, component),
      ports: ports.map((p) => ({ ...p, targetPort: p.targetPort ?? p.name })),
    },
  } as V1Service;
}

function broker(ordinal: number, portNames: string[]): V1Pod {
  return {
    metadata: { name: `dp-kafka-${ordinal}`, labels: labels('kafka', 'kafka') },
    spec: {
      subdomain: 'dp-kafka-headless',
      containers: [
        {
          name: 'kafka',
          ports: portNames.map((name, i) => ({ name, containerPort: [9092, 9093, 9094][i]! })),
        },
      ],
    },
  } as V1Pod;
}

const services: V1Service[] = [
  service('dp-postgresql', 'postgresql', 'postgresql', [{ name: 'postgresql', port: 5432 }]),
  service(
    'dp-postgresql-headless',
    'postgresql',
    'headless',
    [{ name: 'postgresql', port: 5432 }],
    true,
  ),
  service('dp-spark-master', 'spark', 'master', [
    { name: 'cluster', port: 7077 },
    { name: 'rest', port: 6066 },
    { name: 'http', port: 8080 },
  ]),
  service('dp-spark-history', 'spark', 'history', [{ name: 'http', port: 18080 }]),
  service('dp-airflow-api-server', 'airflow', 'api-server', [{ name: 'http', port: 8080 }]),
  service('dp-airflow-redis', 'airflow', 'redis', [{ name: 'redis', port: 6379 }]),
  service('dp-jupyter', 'jupyter', 'jupyter', [{ name: 'http', port: 8888, targetPort: 8888 }]),
  service('dp-superset', 'superset', 'superset', [{ name: 'http', port: 8088 }]),
  service('dp-objectstore', 'objectstore', 'objectstore', [{ name: 's3', port: 7070 }]),
  service('dp-monitoring-prometheus', 'monitoring', 'prometheus', [{ name: 'http', port: 9090 }]),
  service('dp-monitoring-alertmanager', 'monitoring', 'alertmanager', [
    { name: 'http', port: 9093 },
  ]),
];

describe('port-forward plan', () => {
  it('maps each Service port to the local platform port and endpoints key, and each broker to its own port', () => {
    const pods = [2, 0, 1].map((i) => broker(i, ['client', 'controller', 'local']));
    const plan = planPortForwards(services, pods, 'datapark');

    expect(plan.warnings).toEqual([]);
    expect(
      plan.entries.map((e) => [
        e.endpoint,
        e.pod ?? e.service,
        e.servicePort,
        e.targetPort,
        e.localPort,
      ]),
    ).toEqual([
      ['postgres', 'dp-postgresql', 'postgresql', 'postgresql', 15432],
      ['redis', 'dp-airflow-redis', 'redis', 'redis', 16379],
      ['spark.masterUrl', 'dp-spark-master', 'cluster', 'cluster', 17077],
      ['spark.restUrl', 'dp-spark-master', 'rest', 'rest', 16066],
      ['spark.uiUrl', 'dp-spark-master', 'http', 'http', 18080],
      ['spark.historyUrl', 'dp-spark-history', 'http', 'http', 18180],
      ['airflow.url', 'dp-airflow-api-server', 'http', 'http', 18280],
      ['jupyter.url', 'dp-jupyter', 'http', 8888, 18888],
      ['superset.url', 'dp-superset', 'http', 'http', 18088],
      ['s3.url', 'dp-objectstore', 's3', 's3', 17070],
      ['monitoring.prometheusUrl', 'dp-monitoring-prometheus', 'http', 'http', 19090],
      ['monitoring.alertmanagerUrl', 'dp-monitoring-alertmanager', 'http', 'http', 19095],
      ['kafka', 'dp-kafka-0', 'local', 9094, 19092],
      ['kafka', 'dp-kafka-1', 'local', 9094, 19093],
      ['kafka', 'dp-kafka-2', 'local', 9094, 19094],
    ]);
  });

  it('gives endpoints that @datapark/config reads as the local platform defaults', () => {
    const plan = planPortForwards(
      services,
      [0, 1, 2].map((i) => broker(i, ['client', 'controller', 'local'])),
      'datapark',
    );
    const dir = mkdtempSync(join(tmpdir(), 'datapark-plan-'));
    try {
      const file = join(dir, 'endpoints.json');
      writeEndpointsFile(file, endpointsFromPlan(plan));
      const fromPlan = loadConfig({ endpointsFile: file, env: {} });
      const defaults = loadConfig({ endpointsFile: join(dir, 'none.json'), env: {} });
      for (const key of [
        'postgres',
        'redis',
        'kafka',
        'spark',
        'airflow',
        'jupyter',
        'superset',
        's3',
        'monitoring',
      ] as const) {
        const { connectorJars: _a, ...a } = fromPlan[key] as unknown as Record<string, unknown>;
        const { connectorJars: _b, ...b } = defaults[key] as unknown as Record<string, unknown>;
        expect([key, a]).toEqual([key, b]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives pods in the cluster the in-cluster Kafka listener, not the port-forward one', () => {
    const plan = planPortForwards(
      services,
      [broker(0, ['broker', 'controller', 'local'])],
      'datapark',
    );
    expect(plan.entries.find((e) => e.endpoint === 'kafka')).toMatchObject({
      targetPort: 9094,
      portNumber: 9092,
    });
    expect(inClusterEndpoints(plan)).toMatchObject({
      kafka: { bootstrapServers: ['dp-kafka-0.dp-kafka-headless.datapark.svc:9092'] },
    });
  });

  it('uses in-cluster DNS names for a cluster elsewhere', () => {
    const plan = planPortForwards(services, [broker(0, ['client'])], 'datapark');
    expect(inClusterEndpoints(plan)).toMatchObject({
      postgres: { host: 'dp-postgresql.datapark.svc', port: 5432 },
      spark: {
        masterUrl: 'spark://dp-spark-master.datapark.svc:7077',
        historyUrl: 'http://dp-spark-history.datapark.svc:18080',
      },
      s3: { url: 'http://dp-objectstore.datapark.svc:7070' },
      kafka: { bootstrapServers: ['dp-kafka-0.dp-kafka-headless.datapark.svc:9092'] },
    });
  });

  it('warns when a broker has no port-forward listener, and skips headless Services', () => {
    const plan = planPortForwards(services.slice(0, 2), [broker(0, ['client'])], 'datapark');
    expect(plan.entries.map((e) => e.service)).toEqual(['dp-postgresql', 'dp-kafka-headless']);
    expect(plan.warnings).toEqual([
      expect.stringMatching(/dp-kafka-0 has no port-forward listener/),
    ]);
  });
});
