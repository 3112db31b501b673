import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { KubernetesApiError } from './errors.js';

/** Where the cluster is: a kubeconfig file (default `KUBECONFIG` or ~/.kube/config) and context. */
export interface KubeTarget {
  readonly kubeconfig?: string;
  readonly kubeContext?: string;
}

/** The API clients the backend uses, all from one kubeconfig. */
export interface KubeClients {
  readonly config: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  /** The namespace the context names, if any. */
  readonly contextNamespace?: string;
}

/** Where client-go and client-node look when no kubeconfig is given. */
function defaultKubeconfigExists(): boolean {
  const fromEnv = process.env['KUBECONFIG'];
  if (fromEnv) return fromEnv.split(delimiter).some((f) => f && existsSync(f));
  return existsSync(join(homedir(), '.kube', 'config')) || !!process.env['KUBERNETES_SERVICE_HOST'];
}

export function connect(target: KubeTarget = {}): KubeClients {
  if (!target.kubeconfig && !defaultKubeconfigExists()) {
    // client-node would otherwise fall back to http://localhost:8080 and fail obscurely.
    throw new KubernetesApiError(
      `no kubeconfig: ${process.env['KUBECONFIG'] ? `KUBECONFIG=${process.env['KUBECONFIG']} names no file` : '~/.kube/config does not exist and KUBECONFIG is not set'}`,
      undefined,
      'create or select a cluster (e.g. `kind create cluster`, `minikube start`), or pass --kubeconfig',
    );
  }
  const config = new KubeConfig();
  try {
    if (target.kubeconfig) config.loadFromFile(target.kubeconfig);
    else config.loadFromDefault();
    if (target.kubeContext) config.setCurrentContext(target.kubeContext);
  } catch (error) {
    throw new KubernetesApiError(
      `cannot load the kubeconfig${target.kubeconfig ? ` ${target.kubeconfig}` : ''}: ${(error as Error).message}`,
      undefined,
      'check KUBECONFIG / --kubeconfig and --kube-context (`kubectl config get-contexts`)',
    );
  }
  if (!config.getCurrentCluster()) {
    throw new KubernetesApiError(
      'the kubeconfig has no current cluster',
      undefined,
      'select a context with --kube-context or `kubectl config use-context <name>`',
    );
  }
  const namespace = config.getContextObject(config.getCurrentContext())?.namespace;
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    batch: config.makeApiClient(BatchV1Api),
    ...(namespace ? { contextNamespace: namespace } : {}),
  };
}

/** The API server URL of the current context. */
export function serverUrl(clients: KubeClients): string {
  return clients.config.getCurrentCluster()?.server ?? '';
}

/**
 * True for a cluster on this machine (kind, minikube, k3d, Docker Desktop, Rancher Desktop,
 * OrbStack, or any API server on a loopback address): its Services are reached through
 * port-forwards to the usual local ports.
 */
export function isLocalCluster(clients: KubeClients): boolean {
  const context = clients.config.getCurrentContext();
  if (/^(kind-|minikube|k3d-|docker-desktop|rancher-desktop|orbstack|colima)/.test(context)) {
    return true;
  }
  try {
    const host = new URL(serverUrl(clients)).hostname;
    return host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}

/** Turns a client-node failure into a KubernetesApiError saying what was asked and what to do. */
export function apiError(error: unknown, what: string): Error {
  if (error instanceof KubernetesApiError) return error;
  if (error instanceof ApiException) {
    const raw: unknown = error.body;
    const body = ((): { message?: string } => {
      if (raw && typeof raw === 'object') return raw as { message?: string };
      try {
        return JSON.parse(String(raw)) as { message?: string };
      } catch {
        return { message: String(raw ?? '') };
      }
    })();
    const status = error.code;
    return new KubernetesApiError(
      `${what}: ${status} ${body.message ?? ''}`.trim(),
      status,
      status === 401 || status === 403
        ? 'your kubeconfig user lacks permissions: check `kubectl auth can-i list pods -n <namespace>`'
        : 'check the cluster with `kubectl get --raw /readyz`',
    );
  }
  const message = describe(error);
  return new KubernetesApiError(
    `${what}: ${message}`,
    undefined,
    'is the cluster up? `kubectl cluster-info` (and --kube-context) should answer',
  );
}

/** True when client-node failed with 404 Not Found. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/** A readable message from whatever a client threw (ws rejects with an ErrorEvent, not an Error). */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object') {
    const { message, type } = error as { message?: unknown; type?: unknown };
    if (typeof message === 'string' && message) return message;
    if (typeof type === 'string') return `${type} event`;
  }
  return String(error);
}
