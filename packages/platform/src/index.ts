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
