import { readFileSync } from 'node:fs';
import { loadConfig } from '@datapark/config';
import { HelmCommandError, ReleaseNotReadyError } from '@datapark/platform-kubernetes';
import { recordingReporter, startFakeCluster, type FakeCluster } from './cluster-fixture.js';

// helm runs exactly as against a real cluster, with no test-only flags (OpenAPI validation
// included: the fake server tells client-go it validates fields server-side).
describe('KubernetesPlatform.install against the fake API server', () => {
  let cluster: FakeCluster;

  afterEach(async () => {
    await cluster?.close();
  });

  it('applies the chart with helm, waits for every component and writes the endpoints file', async () => {
    // Workloads are held unready until the backend has reported PostgreSQL at 0/2.
    let hold = true;
    cluster = await startFakeCluster({ readyAfterMs: 0, holdReady: () => hold });
    const reporter = recordingReporter();
    const step = reporter.step;
    reporter.step = (component, message) => {
      step(component, message);
      if (component === 'postgresql' && message === '0/2 ready') hold = false;
    };
    const platform = cluster.platform({ reporter, portForward: 'always' });

    const result = await platform.install({ set: ['postgresql.replicas=2'] });

    // helm created the chart's objects, with the release's labels, in the release's namespace.
    const sts = cluster.api.objects('statefulsets.apps', 'datapark');
    expect(sts.map((s) => s.metadata.name)).toEqual(['dp-postgresql']);
    expect(sts[0]!.metadata.labels).toMatchObject({
      'app.kubernetes.io/instance': 'dp',
      'app.kubernetes.io/component': 'postgresql',
    });
    expect((sts[0]!['spec'] as { replicas: number }).replicas).toBe(2); // --set passed through
    expect(cluster.api.objects('deployments.apps', 'datapark').map((d) => d.metadata.name)).toEqual(
      ['dp-spark-master'],
    );
    // helm's release record, and the post-install hook Job that helm waited for and deleted.
    const records = cluster.api
      .objects('secrets', 'datapark')
      .filter((s) => s.metadata.labels?.['owner'] === 'helm');
    expect(records.map((r) => r.metadata.labels?.['status'])).toEqual(['deployed']);
    expect(cluster.api.requests.some((r) => r.method === 'POST' && r.path.endsWith('/jobs'))).toBe(
      true,
    );
    expect(cluster.api.objects('jobs.batch', 'datapark')).toEqual([]);
    // helm waited for the hook through a watch-list (client-go >= 1.35's default), which ended
    // when the controller marked the Job complete.
    expect(
      cluster.api.requests.some(
        (r) =>
          r.path.endsWith('/jobs') &&
          r.query.includes('watch=true') &&
          r.query.includes('sendInitialEvents=true'),
      ),
    ).toBe(true);
    // The fake served everything helm asked for: only lookups of absent objects were refused.
    const refused = cluster.api.requests.filter(
      (r) => r.status >= 400 && !(r.status === 404 && ['GET', 'DELETE'].includes(r.method)),
    );
    expect(refused).toEqual([]);

    // Readiness: each component was reported not ready first, then ready.
    const pg = reporter.lines.filter((l) => l.includes('postgresql:'));
    expect(pg[0]).toBe('step postgresql: 0/2 ready');
    expect(pg.at(-1)).toBe('done postgresql: 2/2 ready');
    expect(reporter.lines).toContain('done spark-master: 1/1 ready');
    expect(result.components.map((c) => [c.component, c.ready, c.desired])).toEqual([
      ['postgresql', 2, 2],
      ['spark-master', 1, 1],
    ]);

    // The endpoints file: the usual local ports, and the passwords from the release's Secret.
    const secret = cluster.api
      .objects('secrets', 'datapark')
      .find((s) => s.metadata.name === 'dp-postgresql')!;
    const analyst = Buffer.from(
      (secret['data'] as Record<string, string>)['analyst-password']!,
      'base64',
    ).toString();
    const config = loadConfig({ endpointsFile: cluster.endpointsFile, env: {} });
    expect(config.postgres).toMatchObject({ host: '127.0.0.1', port: 15432 });
    expect(config.postgres.roles.analyst.password).toBe(analyst);
    expect(config.spark.masterUrl).toBe('spark://127.0.0.1:17077');
    expect(config.spark.restUrl).toBe('http://127.0.0.1:16066');
    expect(config.spark.uiUrl).toBe('http://127.0.0.1:18080');
    const file = JSON.parse(readFileSync(cluster.endpointsFile, 'utf8')) as Record<string, unknown>;
    expect(file['kubernetes']).toMatchObject({
      namespace: 'datapark',
      release: 'dp',
      portForward: true,
    });
  });

  it('a second install upgrades the release and keeps the generated passwords', async () => {
    cluster = await startFakeCluster({ readyAfterMs: 200 });
    const platform = cluster.platform({ reporter: recordingReporter(), portForward: 'always' });
    await platform.install();
    const before = loadConfig({ endpointsFile: cluster.endpointsFile, env: {} }).postgres.roles
      .owner.password;

    await platform.install({ set: ['spark.masterReplicas=2'] });

    const deployment = cluster.api.objects('deployments.apps', 'datapark')[0]!;
    expect((deployment['spec'] as { replicas: number }).replicas).toBe(2);
    const records = cluster.api
      .objects('secrets', 'datapark')
      .filter((s) => s.metadata.labels?.['owner'] === 'helm');
    expect(
      records.map((r) => [r.metadata.labels?.['version'], r.metadata.labels?.['status']]).sort(),
    ).toEqual([
      ['1', 'superseded'],
      ['2', 'deployed'],
    ]);
    const after = loadConfig({ endpointsFile: cluster.endpointsFile, env: {} }).postgres.roles.owner
      .password;
    expect(after).toBe(before);
    const status = await platform.status();
    expect(status.revision).toBe(2);
    expect(status.components.find((c) => c.component === 'spark-master')).toMatchObject({
      ready: 2,
      desired: 2,
    });
  });

  it('times out naming the pods that are not ready, with their events and last log lines', async () => {
    cluster = await startFakeCluster({
      readyAfterMs: 100,
      neverReady: (w) => w.metadata.name === 'dp-spark-master',
    });
    const reporter = recordingReporter();
    const platform = cluster.platform({ reporter });

    const error = await platform.install({ timeoutMs: 6000 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReleaseNotReadyError);
    const notReady = error as ReleaseNotReadyError;
    expect(notReady.message).toMatch(/not ready: spark-master \(0\/1\)/);
    expect(notReady.unreadyPods).toHaveLength(1);
    const [pod] = notReady.unreadyPods;
    expect(pod!.name).toMatch(/^dp-spark-master-/);
    expect(pod!.containers[0]).toMatch(/^master: waiting: CrashLoopBackOff/);
    expect(
      pod!.events.some((e) =>
        e.startsWith('Warning BackOff: Back-off restarting failed container master'),
      ),
    ).toBe(true);
    expect(pod!.logTail.at(-1)).toMatch(/FATAL: password authentication failed/);
    expect(notReady.message).toContain(pod!.name);
    // The crash loop was reported while waiting, not only at the timeout.
    expect(reporter.lines).toContain(
      `warn spark-master: pod ${pod!.name}: CrashLoopBackOff (container master: back-off 1m20s restarting failed container=master pod=${pod!.name})`,
    );
    expect(notReady.message).toContain('Warning Unhealthy: Readiness probe failed');
  });

  it("a failed first install says helm's error, not the line helm printed before it", async () => {
    // helm prints `Release "dp" does not exist. Installing it now.` on stdout first, then the
    // template's failure on stderr, on one line with no blank line after it.
    cluster = await startFakeCluster({ readyAfterMs: 0 });
    const platform = cluster.platform({ reporter: recordingReporter() });

    const error = await platform
      .install({ set: ['failRender=true'], timeoutMs: 5000 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HelmCommandError);
    const failed = error as HelmCommandError;
    expect(failed.output).toContain('does not exist. Installing it now.');
    expect(failed.message.split('\n')[0]).toMatch(
      /^helm upgrade --install failed: .*the fixture was asked to fail \(failRender\)$/,
    );
  });

  it("a hook Job that never succeeds fails the install with helm's whole error and what its pod says", async () => {
    // The fixture's PostgreSQL init Job is a post-install hook: helm waits for it, and gives up
    // at its --timeout with a two-line error whose second line is the reason.
    cluster = await startFakeCluster({
      readyAfterMs: 0,
      neverReady: (w) => w.kind === 'Job' && w.metadata.name === 'dp-postgresql-init',
    });
    const platform = cluster.platform({ reporter: recordingReporter() });

    const error = await platform.install({ timeoutMs: 5000 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HelmCommandError);
    const failed = error as HelmCommandError;
    expect(failed.message.split('\n')[0]).toMatch(
      /^helm upgrade --install failed: failed post-install: 1 error occurred: \* .*(timed out waiting for the condition|context deadline exceeded)/,
    );
    expect(failed.unreadyPods.map((p) => p.component)).toContain('postgresql-init');
    const init = failed.unreadyPods.find((p) => p.name.startsWith('dp-postgresql-init-'))!;
    expect(init.containers[0]).toMatch(/^init: waiting: CrashLoopBackOff/);
    expect(init.logTail.at(-1)).toMatch(/FATAL: password authentication failed/);
    expect(failed.message).toContain(`pod ${init.name} (postgresql-init): Running`);
    expect(failed.fix).toMatch(/the pods above say why/);
    // helm's own error stays reachable, as the cause.
    expect(failed.cause).toBeInstanceOf(HelmCommandError);
    expect((failed.cause as HelmCommandError).unreadyPods).toEqual([]);
    expect((failed.cause as HelmCommandError).output).toBe(failed.output);
  });
});
