import { join } from 'node:path';
import type { EndpointsDocument } from '@datapark/config';
import { findWorkspaceRoot, resolveEndpointsFile, writeEndpointsFile } from '@datapark/config';
import type { Platform, ProgressReporter } from '@datapark/platform';
import { consoleReporter } from '@datapark/platform';
import { HelmCommandError } from './errors.js';
import { drainCeleryWorkers } from './drain-workers.js';
import { GENERIC_HELM_FIX, Helm } from './helm.js';
import { connect, isLocalCluster, type KubeClients, type KubeTarget } from './kube-clients.js';
import { describeUnreadyPods, formatUnreadyPods } from './pod-diagnostics.js';
import { endpointsFromPlan, planPortForwards, type PortForwardPlan } from './port-forward-plan.js';
import { startPortForwards, type RunningForwards } from './port-forwarder.js';
import { cleanUpRelease } from './release-cleanup.js';
import { releaseEndpoints, releaseServicesAndPods } from './release-endpoints.js';
import { latestRevision } from './release-history.js';
import { byComponent, releaseWorkloads, type ComponentReadiness } from './release-workloads.js';
import { waitForRelease } from './wait-for-release.js';

export interface KubernetesPlatformOptions extends KubeTarget {
  /** Helm release name; default `datapark`. */
  readonly release?: string;
  /** Namespace; default `datapark`. */
  readonly namespace?: string;
  /** The chart; default `charts/datapark` of the checkout. */
  readonly chart?: string;
  /** The helm binary; default DATAPARK_HELM, helm on PATH, ~/go/bin/helm. */
  readonly helmPath?: string;
  /** Environment for helm; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  readonly reporter?: ProgressReporter;
  /** Default `DATAPARK_ENDPOINTS_FILE` or `.datapark/endpoints.json`, the local platform's. */
  readonly endpointsFile?: string;
  /**
   * Whether the endpoints point at port-forwards on 127.0.0.1 (`auto`: for a cluster on this
   * machine, see isLocalCluster) or at in-cluster DNS names.
   */
  readonly portForward?: 'auto' | 'always' | 'never';
}

export interface InstallOptions {
  /** `-f` values files, in order. */
  readonly valuesFiles?: readonly string[];
  /** `--set key=value`, in order. */
  readonly set?: readonly string[];
  /** More helm flags, as they are. */
  readonly helmArgs?: readonly string[];
  /** How long helm (hooks) and then readiness may take; default 10 minutes. */
  readonly timeoutMs?: number;
}

export interface InstallResult {
  readonly components: readonly ComponentReadiness[];
  readonly endpointsFile: string;
  readonly endpoints: EndpointsDocument;
  readonly plan: PortForwardPlan;
  /** True when the endpoints are port-forwards that `portForward()` must keep open. */
  readonly viaPortForward: boolean;
}

export interface KubernetesStatus {
  readonly release: string;
  readonly namespace: string;
  /** helm's status of the latest revision (`deployed`, `failed`…); undefined: not installed. */
  readonly helmStatus?: string;
  readonly revision?: number;
  readonly components: readonly ComponentReadiness[];
}

/** helm's output when a hook Job failed or it timed out waiting for one, or for the release. */
const HOOK_FAILURE =
  /failed (pre|post)-(install|upgrade)|timed out waiting for the condition|context deadline exceeded|BackoffLimitExceeded|DeadlineExceeded/;

/**
 * The platform on a Kubernetes cluster: `install` (helm upgrade --install of charts/datapark,
 * readiness through the API, endpoints file), `status`, `uninstall`, `endpoints` and
 * `portForward`. It writes the same endpoints file as LocalPlatform, so every SDK finds the
 * platform the same way.
 *
 * @example
 * ```ts
 * const k8s = new KubernetesPlatform({ kubeContext: 'kind-datapark' });
 * await k8s.install({ set: ['spark.worker.replicas=2'] });
 * const forwards = await k8s.portForward(); // 127.0.0.1:15432 → dp-postgresql:5432, …
 * ```
 */
export class KubernetesPlatform implements Platform<KubernetesStatus> {
  readonly release: string;
  readonly namespace: string;
  readonly chart: string;
  readonly endpointsFile: string;
  private readonly reporter: ProgressReporter;
  private clientsCache: KubeClients | undefined;

  constructor(private readonly options: KubernetesPlatformOptions = {}) {
    this.release = options.release ?? 'datapark';
    this.namespace = options.namespace ?? 'datapark';
    this.chart = options.chart ?? join(findWorkspaceRoot() ?? process.cwd(), 'charts', 'datapark');
    this.endpointsFile = options.endpointsFile ?? resolveEndpointsFile(options.env ?? process.env);
    this.reporter = options.reporter ?? consoleReporter();
  }

  private get clients(): KubeClients {
    this.clientsCache ??= connect(this.options);
    return this.clientsCache;
  }

  private helm(): Promise<Helm> {
    return Helm.locate(this.options, (warning) => this.reporter.warn('helm', warning));
  }

  /** Whether endpoints go through port-forwards on 127.0.0.1. */
  get viaPortForward(): boolean {
    const mode = this.options.portForward ?? 'auto';
    return mode === 'always' || (mode === 'auto' && isLocalCluster(this.clients));
  }

  /**
   * Installs or upgrades the release, waits until every component is ready, and writes the
   * endpoints file. Throws a PrerequisiteError when helm is missing or too old, a
   * HelmCommandError when helm fails, a ReleaseNotReadyError (with the unready pods' events and
   * logs) on timeout.
   */
  async install(options: InstallOptions = {}): Promise<InstallResult> {
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    const started = Date.now();
    const helm = await this.helm();
    this.clientsCache ??= connect(this.options); // a bad kubeconfig fails here, before helm runs
    this.reporter.step(
      'helm',
      `upgrade --install ${this.release} ${this.chart} (namespace ${this.namespace}, helm ${helm.version.raw})`,
    );
    // helm prints nothing while it applies and waits for the chart's hooks (minutes on a cold
    // cluster): say it is still at it.
    const ticker = setInterval(
      () => this.reporter.waiting('helm', 'upgrade --install and its hooks', Date.now() - started),
      5000,
    );
    try {
      await helm.upgradeInstall({
        release: this.release,
        chart: this.chart,
        namespace: this.namespace,
        ...(options.valuesFiles ? { valuesFiles: options.valuesFiles } : {}),
        ...(options.set ? { set: options.set } : {}),
        extraArgs: ['--timeout', `${Math.ceil(timeoutMs / 1000)}s`, ...(options.helmArgs ?? [])],
      });
    } catch (error) {
      throw await this.withUnreadyPods(error);
    } finally {
      clearInterval(ticker);
    }
    this.reporter.done('helm', `release ${this.release} applied`, Date.now() - started);
    const components = await waitForRelease(
      {
        namespace: this.namespace,
        release: this.release,
        timeoutMs: Math.max(timeoutMs - (Date.now() - started), 1000),
        reporter: this.reporter,
        intervalMs: 500,
      },
      this.clients,
    );
    const { plan, endpoints } = await this.endpoints();
    for (const warning of plan.warnings) this.reporter.warn('port-forward', warning);
    writeEndpointsFile(this.endpointsFile, endpoints);
    this.reporter.done(
      'kubernetes',
      `endpoints written to ${this.endpointsFile}`,
      Date.now() - started,
    );
    return {
      components,
      endpointsFile: this.endpointsFile,
      endpoints,
      plan,
      viaPortForward: this.viaPortForward,
    };
  }

  /**
   * A hook that failed or timed out makes helm say only that (`failed post-install: … timed out
   * waiting for the condition`): add what the release's unready pods say, as the readiness
   * timeout does, since the reason is there (a Job's crash loop, a pod the node cannot fit).
   */
  private async withUnreadyPods(error: unknown): Promise<unknown> {
    if (!(error instanceof HelmCommandError) || !HOOK_FAILURE.test(error.output)) return error;
    const pods = await describeUnreadyPods(this.clients, this.namespace, this.release).catch(
      () => [],
    );
    if (pods.length === 0) return error;
    // helm's own advice stays first when it named a cause (an unreachable cluster, a lock).
    const again = 'once fixed, run the install again (it upgrades the release)';
    const fix =
      error.fix && error.fix !== GENERIC_HELM_FIX
        ? `${error.fix}; the pods above may say more; ${again}`
        : `the pods above say why; ${again}`;
    return new HelmCommandError(
      `${error.problem}\npods of release ${this.release} not ready:\n${formatUnreadyPods(pods)}`,
      error.args,
      error.output,
      fix,
      pods,
      error,
    );
  }

  /**
   * The release's endpoints and credentials in the endpoints file's shape (without writing it):
   * port-forward addresses on 127.0.0.1 for a cluster on this machine, in-cluster DNS names
   * otherwise, and the passwords from the release's Secrets.
   */
  async endpoints(): Promise<{ plan: PortForwardPlan; endpoints: EndpointsDocument }> {
    return releaseEndpoints(this.clients, this, () => this.viaPortForward);
  }

  /** The release's helm status and each component's ready/desired replicas. */
  async status(): Promise<KubernetesStatus> {
    const latest = await latestRevision(this.clients, this);
    const components = byComponent(
      await releaseWorkloads(this.clients, this.namespace, this.release),
    );
    return {
      release: this.release,
      namespace: this.namespace,
      ...(latest?.status ? { helmStatus: latest.status } : {}),
      ...(latest ? { revision: latest.revision } : {}),
      components,
    };
  }

  /**
   * `helm uninstall`, after stopping the Celery workers while their broker is still up (see
   * drainCeleryWorkers). Volumes (PVCs) and the Secrets with generated passwords are kept, so a
   * reinstall finds its data; `purge` deletes them too.
   */
  async uninstall(
    options: {
      purge?: boolean;
      /** How long a purge waits for the cluster to remove the deleted claims (default 60 s). */
      purgeWaitMs?: number;
    } = {},
  ): Promise<{ removed: boolean; keptClaims: string[] }> {
    const helm = await this.helm();
    await drainCeleryWorkers(this.clients, this, this.reporter);
    this.reporter.step('helm', `uninstall ${this.release} (namespace ${this.namespace})`);
    const removed = await helm.uninstall(this.release, this.namespace);
    if (!removed) this.reporter.warn('helm', `release ${this.release} was not installed`);
    const keptClaims = await cleanUpRelease(this.clients, this, this.reporter, options);
    return { removed, keptClaims };
  }

  /**
   * Forwards the usual local ports to the release's Services (and each Kafka broker) and points
   * the endpoints file at them. Runs until `close()` on the result.
   */
  async portForward(): Promise<RunningForwards> {
    const { services, pods } = await releaseServicesAndPods(this.clients, this);
    const plan = planPortForwards(services, pods, this.namespace);
    for (const warning of plan.warnings) this.reporter.warn('port-forward', warning);
    const running = await startPortForwards(this.clients, plan.entries, this.reporter);
    writeEndpointsFile(this.endpointsFile, endpointsFromPlan(plan));
    return running;
  }
}
