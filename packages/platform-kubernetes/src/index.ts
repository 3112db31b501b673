export {
  HelmCommandError,
  KubernetesApiError,
  ReleaseNotReadyError,
  type UnreadyPod,
} from './errors.js';
export type { KubeTarget } from './kube-clients.js';
export {
  KubernetesPlatform,
  type InstallOptions,
  type InstallResult,
  type KubernetesPlatformOptions,
  type KubernetesStatus,
} from './kubernetes-platform.js';
export type { PortForwardEntry, PortForwardPlan } from './port-forward-plan.js';
export type { RunningForwards } from './port-forwarder.js';
export type { ComponentReadiness, WorkloadStatus } from './release-workloads.js';
