import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import {
  DEFAULT_PROFILE_COMPONENTS,
  recordingReporter,
  startFakeCluster,
  type FakeCluster,
} from './cluster-fixture.js';

/** The real umbrella chart (its generated files come from `nx run charts:sync-files`). */
const CHART = join(import.meta.dirname, '..', '..', '..', 'charts', 'datapark');

describe('charts/datapark installed through KubernetesPlatform on the fake API server', () => {
  let cluster: FakeCluster;

  afterEach(async () => {
    await cluster?.close();
  });

  it('installs every component, waits for each, and writes endpoints and credentials for all of them', async () => {
    cluster = await startFakeCluster({ readyAfterMs: 500 });
    const reporter = recordingReporter();
    const platform = cluster.platform({ chart: CHART, reporter, portForward: 'always' });

    const result = await platform.install({ timeoutMs: 120_000 });

    expect(result.components.map((c) => `${c.component} ${c.ready}/${c.desired}`).sort()).toEqual(
      DEFAULT_PROFILE_COMPONENTS,
    );
    // Five post-install hooks (PostgreSQL init, the object store's buckets, Kafka topics, Airflow
    // migrations, Superset's init) ran and were deleted by helm once they succeeded.
    const hookPosts = cluster.api.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/jobs'),
    );
    expect(hookPosts).toHaveLength(5);
    const refused = cluster.api.requests.filter(
      (r) => r.status >= 400 && !(r.status === 404 && ['GET', 'DELETE'].includes(r.method)),
    );
    expect(refused).toEqual([]);

    // Every SDK finds the platform where it finds the local one, with the release's secrets.
    const secret = (name: string, key: string) => {
      const s = cluster.api.objects('secrets', 'datapark').find((o) => o.metadata.name === name)!;
      return Buffer.from((s['data'] as Record<string, string>)[key]!, 'base64').toString('utf8');
    };
    const config = loadConfig({ endpointsFile: cluster.endpointsFile, env: {} });
    expect(config.postgres).toMatchObject({ host: '127.0.0.1', port: 15432 });
    expect(config.postgres.roles.spark_etl.password).toBe(
      secret('dp-postgresql', 'spark_etl-password'),
    );
    expect(config.redis).toMatchObject({
      port: 16379,
      password: secret('dp-airflow', 'redis-password'),
    });
    expect(config.airflow).toMatchObject({
      url: 'http://127.0.0.1:18280',
      password: secret('dp-airflow', 'admin-password'),
    });
    expect(config.jupyter).toMatchObject({
      url: 'http://127.0.0.1:18888',
      token: secret('dp-jupyter', 'token'),
    });
    expect(config.airflow.username).toBe(secret('dp-airflow', 'admin-username'));
    expect(config.superset).toMatchObject({
      url: 'http://127.0.0.1:18088',
      username: secret('dp-superset', 'admin-username'),
      password: secret('dp-superset', 'admin-password'),
    });
    // The object store at the local platform's port, with the release's keys, and the lake
    // catalog's password: lakeSparkConf works from this machine as it does locally.
    expect(config.s3).toMatchObject({
      url: 'http://127.0.0.1:17070',
      accessKeyId: secret('dp-objectstore', 'access-key-id'),
      secretAccessKey: secret('dp-objectstore', 'secret-access-key'),
    });
    expect(config.lake.catalogPassword).toBe(secret('dp-postgresql', 'iceberg-password'));
    // The chart's own Prometheus and Alertmanager (no Operator here), where the local ones are.
    expect(config.monitoring).toMatchObject({
      prometheusUrl: 'http://127.0.0.1:19090',
      alertmanagerUrl: 'http://127.0.0.1:19095',
      username: 'datapark',
      password: secret('dp-monitoring', 'password'),
    });
    // Each broker is forwarded to its LOCAL listener, which advertises the forwarded address.
    expect(result.plan.warnings).toEqual([]);
    expect(
      result.plan.entries
        .filter((e) => e.endpoint === 'kafka')
        .map((e) => [e.pod, e.servicePort, e.localPort]),
    ).toEqual([
      ['dp-kafka-0', 'local', 19092],
      ['dp-kafka-1', 'local', 19093],
      ['dp-kafka-2', 'local', 19094],
    ]);
    expect(config.kafka.bootstrapServers).toEqual([
      '127.0.0.1:19092',
      '127.0.0.1:19093',
      '127.0.0.1:19094',
    ]);
    expect(config.spark).toMatchObject({
      masterUrl: 'spark://127.0.0.1:17077',
      restUrl: 'http://127.0.0.1:16066',
      uiUrl: 'http://127.0.0.1:18080',
      historyUrl: 'http://127.0.0.1:18180',
    });
  });
});
