import { PlatformError } from '@datapark/platform';

/** A helm command failed: the command line (without secrets) and what helm printed. */
export class HelmCommandError extends PlatformError {
  override readonly name = 'HelmCommandError';
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly output: string,
    fix?: string,
    /** When a hook failed or timed out: the release's pods that were not ready then, and why. */
    readonly unreadyPods: readonly UnreadyPod[] = [],
    /** The error this one adds to (helm's own, before the pods were looked at). */
    cause?: unknown,
  ) {
    super(message, 'helm', fix, 'HELM_COMMAND_FAILED', cause);
  }
}

/** The Kubernetes API refused or failed a request. */
export class KubernetesApiError extends PlatformError {
  override readonly name = 'KubernetesApiError';
  constructor(
    message: string,
    /** The HTTP status the API server answered, when it answered. */
    readonly status: number | undefined,
    fix?: string,
  ) {
    super(message, 'kubernetes', fix, 'KUBERNETES_API');
  }
}

/** A pod of the release that is not ready, with what Kubernetes says about it. */
export interface UnreadyPod {
  readonly name: string;
  /** `kafka/broker`: the chart (`app.kubernetes.io/name`) and `app.kubernetes.io/component`. */
  readonly component: string;
  readonly phase: string;
  /** Per container: `waiting: CrashLoopBackOff (back-off 1m20s …)`, restarts. */
  readonly containers: readonly string[];
  /** `Warning Unhealthy: Readiness probe failed: …`, oldest first. */
  readonly events: readonly string[];
  /** The last lines the first unready container printed. */
  readonly logTail: readonly string[];
}

/** The release's workloads did not all become ready in time; lists the pods that were not. */
export class ReleaseNotReadyError extends PlatformError {
  override readonly name = 'ReleaseNotReadyError';
  constructor(
    message: string,
    readonly unreadyPods: readonly UnreadyPod[],
    fix: string,
  ) {
    super(message, 'kubernetes', fix, 'RELEASE_NOT_READY');
  }
}
