import { recordingReporter, startFakeCluster, type FakeCluster } from './cluster-fixture.js';

describe('KubernetesPlatform status and uninstall against the fake API server', () => {
  let cluster: FakeCluster;

  afterEach(async () => {
    await cluster?.close();
  });

  it('status reports helm status and ready/desired replicas per component', async () => {
    cluster = await startFakeCluster({
      readyAfterMs: 100,
      neverReady: (w) => w.metadata.name === 'dp-spark-master',
    });
    const platform = cluster.platform({ reporter: recordingReporter() });
    expect(await platform.status()).toEqual({
      release: 'dp',
      namespace: 'datapark',
      components: [],
    });

    await platform
      .install({ set: ['postgresql.replicas=3'], timeoutMs: 4000 })
      .catch(() => undefined);

    const status = await platform.status();
    expect(status).toMatchObject({ helmStatus: 'deployed', revision: 1 });
    expect(status.components.map((c) => [c.component, c.ready, c.desired, c.done])).toEqual([
      ['postgresql', 3, 3, true],
      ['spark-master', 0, 1, false],
    ]);
  });

  it('status and install count a DaemonSet per node, and wait for its pods', async () => {
    cluster = await startFakeCluster({
      readyAfterMs: 100,
      neverReady: (w) => w.kind === 'DaemonSet',
    });
    const reporter = recordingReporter();
    const platform = cluster.platform({ reporter });

    const error = await platform
      .install({ set: ['nodeExporter.enabled=true'], timeoutMs: 3000 })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );

    expect(error?.message).toMatch(/not ready: monitoring-node-exporter \(0\/1\)/);
    const status = await platform.status();
    expect(status.components.map((c) => [c.component, c.ready, c.desired, c.done])).toEqual([
      ['postgresql', 1, 1, true],
      ['spark-master', 1, 1, true],
      ['monitoring-node-exporter', 0, 1, false],
    ]);
    expect(status.components[2]!.workloads.map((w) => w.kind)).toEqual(['DaemonSet']);
  });

  it('uninstall removes the release but keeps its volume claims and generated Secret; --purge deletes them', async () => {
    cluster = await startFakeCluster({ readyAfterMs: 100 });
    const reporter = recordingReporter();
    const platform = cluster.platform({ reporter });
    await platform.install({ set: ['postgresql.replicas=2'] });
    expect(
      cluster.api.objects('persistentvolumeclaims', 'datapark').map((c) => c.metadata.name),
    ).toEqual(['data-dp-postgresql-0', 'data-dp-postgresql-1']);

    const result = await platform.uninstall();

    expect(result).toEqual({
      removed: true,
      keptClaims: ['data-dp-postgresql-0', 'data-dp-postgresql-1'],
    });
    for (const kind of ['statefulsets.apps', 'deployments.apps', 'services', 'pods']) {
      expect([kind, cluster.api.objects(kind, 'datapark')]).toEqual([kind, []]);
    }
    const secrets = cluster.api.objects('secrets', 'datapark').map((s) => s.metadata.name);
    expect(secrets).toEqual(['dp-postgresql']); // helm.sh/resource-policy: keep; helm's records are gone
    expect(reporter.lines).toContain(
      'step kubernetes: kept 2 volume claims (data-dp-postgresql-0, data-dp-postgresql-1); --purge deletes them',
    );
    expect((await platform.status()).components).toEqual([]);

    const again = await platform.uninstall({ purge: true });

    expect(again.removed).toBe(false);
    expect(reporter.lines).toContain('warn helm: release dp was not installed');
    expect(cluster.api.objects('persistentvolumeclaims', 'datapark')).toEqual([]);
    expect(cluster.api.objects('secrets', 'datapark')).toEqual([]);
  });

  it('uninstall stops the Celery workers first, while their broker is up, and waits for their pods', async () => {
    cluster = await startFakeCluster({ readyAfterMs: 100 });
    const reporter = recordingReporter();
    const platform = cluster.platform({ reporter });
    await platform.install({ set: ['airflowWorker.enabled=true', 'airflowWorker.replicas=2'] });
    const workerPods = () =>
      cluster.api
        .objects('pods', 'datapark')
        .filter((p) => p.metadata.name!.startsWith('dp-airflow-worker-'));
    expect(workerPods()).toHaveLength(2);
    const before = cluster.api.requests.length;

    await platform.uninstall();

    // The scale to zero, then helm's deletes: the worker's pods were gone before the rest went.
    const writes = cluster.api.requests.slice(before).filter((r) => r.method !== 'GET');
    const scaled = writes.findIndex(
      (r) => r.method === 'PATCH' && r.path.endsWith('/deployments/dp-airflow-worker'),
    );
    const firstDelete = writes.findIndex((r) => r.method === 'DELETE');
    expect(scaled).toBeGreaterThanOrEqual(0);
    expect(writes[scaled]!.contentType).toMatch(/merge-patch/);
    expect(scaled).toBeLessThan(firstDelete);
    expect(reporter.lines.indexOf('done airflow: Celery workers stopped')).toBeGreaterThan(
      reporter.lines.findIndex((l) =>
        l.startsWith('step airflow: stopping the Celery workers first'),
      ),
    );
    expect(reporter.lines.findIndex((l) => l.startsWith('step helm: uninstall'))).toBeGreaterThan(
      reporter.lines.indexOf('done airflow: Celery workers stopped'),
    );
    expect(workerPods()).toEqual([]);
    expect(cluster.api.objects('deployments.apps', 'datapark')).toEqual([]);
  });

  it('uninstall goes on, with a warning, when the API refuses to scale the workers', async () => {
    cluster = await startFakeCluster({
      readyAfterMs: 100,
      forbid: (r) => r.method === 'PATCH' && r.resource === 'deployments.apps',
    });
    const reporter = recordingReporter();
    const platform = cluster.platform({ reporter });
    await platform.install({ set: ['airflowWorker.enabled=true'] });

    expect(await platform.uninstall()).toEqual({
      removed: true,
      keptClaims: ['data-dp-postgresql-0'],
    });

    expect(reporter.lines.find((l) => l.startsWith('warn airflow:'))).toMatch(
      /^warn airflow: stopping the Celery workers of release dp: 403 .*; uninstalling anyway$/,
    );
    expect(cluster.api.objects('deployments.apps', 'datapark')).toEqual([]);
  });
});
