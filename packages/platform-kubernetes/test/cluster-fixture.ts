import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressReporter } from '@datapark/platform';
import type { KubernetesPlatformOptions } from '@datapark/platform-kubernetes';
import { KubernetesPlatform } from '@datapark/platform-kubernetes';
import { findHelm } from '../src/helm.js';
import {
  startFakeKubeApiServer,
  type FakeKubeApiServer,
  type FakeKubeApiServerOptions,
} from './fake-kube-apiserver.js';

/** The small chart in the shape of charts/datapark that these tests install. */
export const FIXTURE_CHART = join(import.meta.dirname, 'fixtures', 'chart');

/**
 * The real helm these tests drive: the one tools/ci/go.sh builds into ~/go/bin, else the one on
 * PATH. Its absence fails the tests (with the command that installs it) rather than skipping.
 */
export function realHelm(): string {
  const candidates = [join(homedir(), 'go', 'bin', 'helm'), findHelm()].filter(
    (p): p is string => p !== undefined && existsSync(p),
  );
  if (!candidates[0]) throw new Error('helm is not installed: run `bash tools/ci/go.sh`');
  return candidates[0];
}

/** A progress reporter that remembers every line, for assertions on progress. */
export function recordingReporter(): ProgressReporter & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    step: (c, m) => lines.push(`step ${c}: ${m}`),
    waiting: (c, w) => lines.push(`waiting ${c}: ${w}`),
    done: (c, m) => lines.push(`done ${c}: ${m}`),
    warn: (c, m) => lines.push(`warn ${c}: ${m}`),
  };
}

/** What the default profile of charts/datapark runs: `component ready/desired`, sorted. */
export const DEFAULT_PROFILE_COMPONENTS = [
  'airflow-api-server 1/1',
  'airflow-dag-processor 1/1',
  'airflow-redis 1/1',
  'airflow-scheduler 1/1',
  'airflow-statsd 1/1',
  'airflow-triggerer 1/1',
  'airflow-worker 2/2',
  'jupyter 1/1',
  'kafka-broker 3/3',
  'kafka-lag-exporter 1/1',
  'monitoring-alertmanager 1/1',
  'monitoring-node-exporter 1/1',
  'monitoring-prometheus 1/1',
  'objectstore 1/1',
  'postgresql 1/1',
  'spark-history 1/1',
  'spark-master 1/1',
  'spark-worker 2/2',
  'superset 1/1',
];

/** What every test cluster, fake or real, gives a test. */
export interface TestCluster {
  readonly dir: string;
  readonly kubeconfig: string;
  /** An endpoints file of its own (never the shared .datapark/endpoints.json). */
  readonly endpointsFile: string;
  /** helm's environment: its caches and the kube discovery cache under `dir`. */
  readonly env: NodeJS.ProcessEnv;
  /** A KubernetesPlatform on it: release `dp` in namespace `datapark`, the fixture chart. */
  platform(options?: Partial<KubernetesPlatformOptions>): KubernetesPlatform;
}

/** The scratch directory's helm caches, endpoints file and platform for a cluster's kubeconfig. */
export function testCluster(dir: string, kubeconfig: string): TestCluster {
  for (const sub of ['helm-cache', 'helm-config', 'helm-data', 'kube-cache']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HELM_CACHE_HOME: join(dir, 'helm-cache'),
    HELM_CONFIG_HOME: join(dir, 'helm-config'),
    HELM_DATA_HOME: join(dir, 'helm-data'),
    KUBECACHEDIR: join(dir, 'kube-cache'),
    KUBECONFIG: kubeconfig,
  };
  const endpointsFile = join(dir, 'endpoints.json');
  return {
    dir,
    kubeconfig,
    endpointsFile,
    env,
    platform: (overrides = {}) =>
      new KubernetesPlatform({
        kubeconfig,
        release: 'dp',
        namespace: 'datapark',
        chart: FIXTURE_CHART,
        helmPath: realHelm(),
        env,
        endpointsFile,
        ...overrides,
      }),
  };
}

export interface FakeCluster extends TestCluster {
  readonly api: FakeKubeApiServer;
  close(): Promise<void>;
}

/**
 * A fake API server with its kubeconfig, a scratch directory for helm's caches and an endpoints
 * file of its own (never the shared .datapark/endpoints.json).
 */
export async function startFakeCluster(
  options: FakeKubeApiServerOptions = {},
): Promise<FakeCluster> {
  const api = await startFakeKubeApiServer(options);
  const dir = mkdtempSync(join(tmpdir(), 'datapark-k8s-'));
  return {
    ...testCluster(dir, api.writeKubeconfig(join(dir, 'kubeconfig'))),
    api,
    async close() {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
