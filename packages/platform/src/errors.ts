/** Base of every error the platform raises: what failed, where, and what to do. */
export class PlatformError extends Error {
  override readonly name: string = 'PlatformError';
  /** What failed, without the fix (`message` carries both). */
  readonly problem: string;
  constructor(
    message: string,
    /** The component (or unit) it concerns, e.g. `postgres`, `kafka-2`. */
    readonly component: string,
    /** What the user can do about it. */
    readonly fix?: string,
  ) {
    super(fix ? `${message}\n  Fix: ${fix}` : message);
    this.problem = message;
  }
}

/** A program or package the component needs is not installed. */
export class PrerequisiteError extends PlatformError {
  override readonly name = 'PrerequisiteError';
}

/** A port the component would listen on is taken by another process. */
export class PortInUseError extends PlatformError {
  override readonly name = 'PortInUseError';
}

/** The component started but did not become healthy in time. */
export class HealthTimeoutError extends PlatformError {
  override readonly name = 'HealthTimeoutError';
}
