import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesApiError } from '@datapark/platform-kubernetes';
import { connect, isLocalCluster } from '../src/kube-clients.js';

describe('kube clients', () => {
  let dir: string;
  const saved = process.env['KUBECONFIG'];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'datapark-kubeconfig-'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['KUBECONFIG'];
    else process.env['KUBECONFIG'] = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  function kubeconfig(context: string, server: string): string {
    const path = join(dir, `${context}.yaml`);
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: context, context: { cluster: 'c', user: 'u' } }],
        'current-context': context,
      }),
    );
    return path;
  }

  it('says so when KUBECONFIG names no file, instead of falling back to localhost:8080', () => {
    process.env['KUBECONFIG'] = join(dir, 'missing');
    expect(() => connect()).toThrow(KubernetesApiError);
    expect(() => connect()).toThrow(
      /no kubeconfig: KUBECONFIG=.*missing names no file[\s\S]*kind create cluster/,
    );
  });

  it('names a context that does not exist', () => {
    expect(() =>
      connect({ kubeconfig: kubeconfig('prod', 'https://10.0.0.1:6443'), kubeContext: 'nope' }),
    ).toThrow(KubernetesApiError);
  });

  it.each([
    ['kind-datapark', 'https://127.0.0.1:41234', true],
    ['minikube', 'https://192.168.49.2:8443', true],
    ['dev', 'https://localhost:6443', true],
    ['prod', 'https://k8s.example.com:6443', false],
  ])('treats context %s at %s as on this machine: %s', (context, server, local) => {
    expect(isLocalCluster(connect({ kubeconfig: kubeconfig(context, server) }))).toBe(local);
  });
});
