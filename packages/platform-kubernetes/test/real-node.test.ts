import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { KUBE_VERSION, kubeBinDir } from './real-control-plane.js';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'tools', 'ci', 'kube-node.sh');
/** The image tools/ci/kube-node.sh builds from Debian's busybox-static and imports into containerd. */
const BUSYBOX = 'datapark.local/busybox:1.35.0';

async function until<T>(what: string, timeoutMs: number, get: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await get();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} not within ${timeoutMs / 1000} s${last ? `: ${String(last)}` : ''}`);
}

/**
 * A real kubelet on this machine (tools/ci/kube-node.sh: containerd, runc, CNI bridge, in
 * namespaces of its own): the node becomes Ready, a pod from an image no registry served runs,
 * and its log comes back through the apiserver from the kubelet, as `kubectl logs` reads it.
 */
describe(`a one-node cluster with a real kubelet (Kubernetes ${KUBE_VERSION}, containerd)`, () => {
  const state = mkdtempSync(join(tmpdir(), 'datapark-kube-node-'));
  const env = { ...process.env, DATAPARK_KUBE_NODE_DIR: state };
  let started = false;

  beforeAll(async () => {
    const bin = kubeBinDir();
    for (const binary of ['kubelet', 'kube-scheduler', 'kube-proxy']) {
      if (!existsSync(join(bin, binary))) {
        throw new Error(
          `${binary} is not in ${bin}: run \`bash tools/ci/kube-node.sh build\` (builds kubelet, kube-scheduler and kube-proxy ${KUBE_VERSION} from the Go module proxy)`,
        );
      }
    }
    started = true;
    await run('bash', [SCRIPT, 'start'], { env, timeout: 300_000 });
  }, 320_000);

  afterAll(async () => {
    // Stop even after a failed start: it removes the namespace, the cgroups and the state.
    if (started) await run('bash', [SCRIPT, 'stop'], { env, timeout: 60_000 });
    rmSync(state, { recursive: true, force: true });
  }, 70_000);

  it('runs a pod with imagePullPolicy Never on the Ready node and reads its log through the apiserver', async () => {
    const config = new KubeConfig();
    config.loadFromFile(join(state, 'admin.kubeconfig'));
    const core = config.makeApiClient(CoreV1Api);

    const node = await core.readNode({ name: 'datapark-node' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.status?.nodeInfo).toMatchObject({
      kubeletVersion: KUBE_VERSION,
      containerRuntimeVersion: expect.stringMatching(/^containerd:\/\/1\./),
    });

    // Pods are admitted once the serviceaccount controller made `default` its account.
    await until('the default service account', 60_000, async () =>
      core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }),
    );
    const marker = `datapark-${Date.now()}`;
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'hello' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'hello',
              image: BUSYBOX,
              imagePullPolicy: 'Never',
              command: ['/bin/sh', '-c', `echo "${marker} from $(hostname)"`],
            },
          ],
        },
      },
    });
    const pod = await until('the pod to complete', 90_000, async () => {
      const p: V1Pod = await core.readNamespacedPod({ name: 'hello', namespace: 'default' });
      if (p.status?.phase === 'Failed') {
        throw new Error(`the pod failed: ${JSON.stringify(p.status.containerStatuses)}`);
      }
      return p.status?.phase === 'Succeeded' ? p : undefined;
    });
    // The CNI bridge gave it an address from the node's pod range.
    expect(pod.status?.podIP).toMatch(/^10\.214\.0\.\d+$/);
    const log = await core.readNamespacedPodLog({ name: 'hello', namespace: 'default' });
    expect(log).toBe(`${marker} from hello\n`);
  });
});
