import { loadConfig } from '@datapark/config';
// The fake API server and the fixture chart are the Kubernetes backend's test doubles; this
// test drives the same cluster through the CLI.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  FIXTURE_CHART,
  realHelm,
  startFakeCluster,
  type FakeCluster,
} from '../../../packages/platform-kubernetes/test/cluster-fixture.js';
import { kubernetesCommand } from '../src/kubernetes-commands.js';

/** Runs `datapark k8s <args>` in this process and returns what it printed. */
async function datapark(
  cluster: FakeCluster,
  ...args: string[]
): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: unknown) => (
    (stdout += String(chunk)),
    true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => (
    (stderr += String(chunk)),
    true
  )) as typeof process.stderr.write;
  try {
    const target = ['--kubeconfig', cluster.kubeconfig, '--release', 'dp', '--helm', realHelm()];
    await kubernetesCommand().parseAsync([...args, ...target], { from: 'user' });
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
  return { stdout, stderr };
}

describe('datapark k8s (the CLI over KubernetesPlatform)', () => {
  let cluster: FakeCluster;
  const saved = process.env['DATAPARK_ENDPOINTS_FILE'];

  beforeEach(async () => {
    cluster = await startFakeCluster({ readyAfterMs: 300 });
    // Never the shared .datapark/endpoints.json.
    process.env['DATAPARK_ENDPOINTS_FILE'] = cluster.endpointsFile;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env['DATAPARK_ENDPOINTS_FILE'];
    else process.env['DATAPARK_ENDPOINTS_FILE'] = saved;
    await cluster.close();
  });

  it('install passes --set through, reports progress and where the endpoints are; status and uninstall follow', async () => {
    const install = await datapark(
      cluster,
      'install',
      '--chart',
      FIXTURE_CHART,
      '--set',
      'postgresql.replicas=2',
      '--port-forward',
      'always',
    );
    expect(install.stderr).toContain('✓ postgresql: 2/2 ready');
    expect(install.stderr).toContain(`Endpoints and credentials: ${cluster.endpointsFile}`);
    expect(install.stderr).toContain('keep `npx nx run charts:port-forward`');
    expect(loadConfig({ endpointsFile: cluster.endpointsFile, env: {} }).postgres.port).toBe(15432);

    const status = await datapark(cluster, 'status');
    expect(status.stdout.split('\n')).toEqual([
      'release dp in namespace datapark: deployed (revision 1)',
      expect.stringMatching(/^COMPONENT\s+READY\s+STATE\s+WORKLOADS$/),
      expect.stringMatching(/^postgresql\s+2\/2\s+ready\s+StatefulSet\/dp-postgresql$/),
      expect.stringMatching(/^spark-master\s+1\/1\s+ready\s+Deployment\/dp-spark-master$/),
      '',
    ]);

    await datapark(cluster, 'uninstall', '--purge');
    const after = await datapark(cluster, 'status', '--json');
    expect(JSON.parse(after.stdout)).toEqual({
      release: 'dp',
      namespace: 'datapark',
      components: [],
    });
  });
});
