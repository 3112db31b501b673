export { HealthTimeoutError, PlatformError, PortInUseError, PrerequisiteError } from './errors.js';
export type {
  ComponentContext,
  ComponentState,
  ComponentStatus,
  LocalComponent,
  UnitStatus,
} from './local/component.js';
export { defaultComponents } from './local/components/index.js';
export {
  airflowExecutor,
  airflowHealth,
  airflowPaths,
  unhealthyParts,
  type AirflowExecutor,
  type AirflowHealth,
} from './local/components/airflow.js';
export { redisPing } from './local/components/redis.js';
export {
  isAlive,
  readPidFile,
  runningPid,
  startDaemon,
  stopDaemon,
  type DaemonSpec,
  type PidRecord,
} from './local/daemon.js';
export { LocalPlatform, type LocalPlatformOptions } from './local/local-platform.js';
export { assertPortFree, canBind, isListening } from './local/ports.js';
export { findExecutable, requireExecutable } from './local/prerequisites.js';
export { generateSecret } from './local/secrets.js';
export { waitUntil, type WaitOptions } from './local/wait-until.js';
export { consoleReporter, silentReporter, type ProgressReporter } from './progress.js';
export {
  HelmCommandError,
  KubernetesApiError,
  ReleaseNotReadyError,
  type UnreadyPod,
} from './kubernetes/errors.js';
export {
  checkHelmVersion,
  findHelm,
  Helm,
  MIN_HELM_VERSION,
  parseHelmVersion,
  type HelmOptions,
  type HelmVersion,
} from './kubernetes/helm.js';
export {
  connect,
  isLocalCluster,
  type KubeClients,
  type KubeTarget,
} from './kubernetes/kube-clients.js';
export {
  KubernetesPlatform,
  type InstallOptions,
  type InstallResult,
  type KubernetesPlatformOptions,
  type KubernetesStatus,
} from './kubernetes/kubernetes-platform.js';
export {
  endpointsFromPlan,
  FORWARD_RULES,
  inClusterEndpoints,
  planPortForwards,
  type EndpointKey,
  type PortForwardEntry,
  type PortForwardPlan,
} from './kubernetes/port-forward-plan.js';
export { startPortForwards, type RunningForwards } from './kubernetes/port-forwarder.js';
export { credentialsFromSecrets } from './kubernetes/release-credentials.js';
export {
  byComponent,
  componentOf,
  type ComponentReadiness,
  type WorkloadStatus,
} from './kubernetes/release-workloads.js';
