export type {
  ComponentContext,
  ComponentState,
  ComponentStatus,
  LocalComponent,
  PortClaim,
  UnitStatus,
} from './component.js';
export { HealthTimeoutError, PlatformError, PortInUseError, PrerequisiteError } from './errors.js';
export { findExecutable } from './find-executable.js';
export type { Platform } from './platform.js';
export { consoleReporter, silentReporter, type ProgressReporter } from './progress.js';
