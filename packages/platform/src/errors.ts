import { DataparkError } from '@datapark/config';

/** Base of every error the platform raises: what failed, where, and what to do. */
export class PlatformError extends DataparkError {
  override readonly name: string = 'PlatformError';
  /** What failed, without the fix (`message` carries both). */
  readonly problem: string;
  constructor(
    message: string,
    /** The component (or unit) it concerns, e.g. `postgres`, `kafka-2`. */
    readonly component: string,
    /** What the user can do about it (also the `hint`). */
    readonly fix?: string,
    code = 'PLATFORM_ERROR',
    /** The error this one reports or adds to (Error's `cause`). */
    cause?: unknown,
  ) {
    super(
      fix
        ? `${message}
  Fix: ${fix}`
        : message,
      { code, hint: fix, cause },
    );
    this.problem = message;
  }
}

/** A program or package the component needs is not installed. */
export class PrerequisiteError extends PlatformError {
  override readonly name = 'PrerequisiteError';
  constructor(message: string, component: string, fix?: string) {
    super(message, component, fix, 'PREREQUISITE_MISSING');
  }
}

/** A port the component would listen on is taken by another process. */
export class PortInUseError extends PlatformError {
  override readonly name = 'PortInUseError';
  constructor(message: string, component: string, fix?: string) {
    super(message, component, fix, 'PORT_IN_USE');
  }
}

/** The component started but did not become healthy in time. */
export class HealthTimeoutError extends PlatformError {
  override readonly name = 'HealthTimeoutError';
  constructor(message: string, component: string, fix?: string) {
    super(message, component, fix, 'HEALTH_TIMEOUT');
  }
}
