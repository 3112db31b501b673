import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { freePort } from './free-port.js';
import { testCluster, type TestCluster } from './cluster-fixture.js';
import { startStandInKubelet, type StandInKubelet } from './standin-kubelet.js';

/** The version tools/ci/kube.sh builds (tools/kube/go.mod pins the same). */
export const KUBE_VERSION = 'v1.35.4';

/**
 * Where tools/ci/kube.sh put etcd, kube-apiserver and kube-controller-manager. Their absence
 * fails the tests with the command that builds them, never skips them.
 */
export function kubeBinDir(): string {
  const dir =
    process.env['DATAPARK_KUBE_BIN'] ??
    join(homedir(), '.cache', 'datapark', `kube-${KUBE_VERSION}`, 'bin');
  for (const binary of ['etcd', 'kube-apiserver', 'kube-controller-manager']) {
    if (!existsSync(join(dir, binary))) {
      throw new Error(
        `${binary} is not in ${dir}: run \`bash tools/ci/kube.sh\` (builds the Kubernetes ${KUBE_VERSION} control plane from the Go module proxy)`,
      );
    }
  }
  return dir;
}

/** GET over HTTPS without verifying the apiserver's self-signed certificate (loopback only). */
function httpsGet(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 5000 },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  process: ChildProcess,
  log: string,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.exitCode !== null) {
      throw new Error(`${what} exited (${process.exitCode}):\n${tail(log)}`);
    }
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${tail(log)}`);
}

function tail(file: string, lines = 25): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
}

export interface RealCluster extends TestCluster {
  readonly config: KubeConfig;
  readonly kubelet: StandInKubelet;
  /** The last lines of a component's log (`etcd`, `kube-apiserver`, `kube-controller-manager`). */
  log(component: string): string;
  close(): Promise<void>;
}

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver (token auth, RBAC, the
 * default admission plugins, Pod Security among them) and kube-controller-manager (the
 * deployment, replicaset, statefulset, job, serviceaccount and garbage-collector controllers),
 * with a stand-in kubelet for the node no container can run on here.
 */
export async function startRealCluster(): Promise<RealCluster> {
  const bin = kubeBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'datapark-kube-'));
  for (const sub of ['etcd', 'certs']) {
    mkdirSync(join(dir, sub));
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},datapark-test,datapark-test,system:masters\n`, {
    mode: 0o600,
  });

  const processes: { name: string; child: ChildProcess }[] = [];
  const start = (name: string, args: string[]): { child: ChildProcess; log: string } => {
    const log = join(dir, `${name}.log`);
    const out = openSync(log, 'a');
    const child = spawn(join(bin, name), args, { stdio: ['ignore', out, out] });
    processes.push({ name, child });
    return { child, log };
  };
  const stopAll = async () => {
    for (const { child } of [...processes].reverse()) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcd = start('etcd', [
      '--name=datapark-test',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=datapark-test=http://127.0.0.1:${etcdPeer}`,
      '--quota-backend-bytes=268435456',
    ]);
    await waitFor(
      'etcd',
      async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok,
      etcd.child,
      etcd.log,
    );

    const apiserver = start('kube-apiserver', [
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      // Only a range to allocate Service addresses from: nothing is ever sent to it.
      '--service-cluster-ip-range=10.96.0.0/16',
      '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false',
    ]);
    const server = `https://127.0.0.1:${apiPort}`;
    await waitFor(
      'kube-apiserver',
      async () => (await httpsGet(`${server}/readyz`, token)).body === 'ok',
      apiserver.child,
      apiserver.log,
    );

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'real', cluster: { server, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'admin', user: { token } }],
        contexts: [{ name: 'real', context: { cluster: 'real', user: 'admin' } }],
        'current-context': 'real',
      }),
      { mode: 0o600 },
    );

    const controllers = start('kube-controller-manager', [
      `--kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      '--secure-port=0',
      '--controllers=deployment-controller,replicaset-controller,statefulset-controller,job-controller,serviceaccount-controller,garbage-collector-controller,persistentvolumeclaim-protection-controller',
      '--concurrent-deployment-syncs=2',
      '--concurrent-statefulset-syncs=2',
    ]);
    // Controllers have started when the serviceaccount controller made `default` its account.
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    await waitFor(
      'kube-controller-manager',
      async () =>
        (await httpsGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, token))
          .status === 200,
      controllers.child,
      controllers.log,
    );
    const kubelet = await startStandInKubelet(config);

    return {
      ...testCluster(dir, kubeconfig),
      config,
      kubelet,
      log: (component) => tail(join(dir, `${component}.log`)),
      async close() {
        await kubelet.close();
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
