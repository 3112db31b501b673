import type { PortClaim } from '@datapark/platform';

/** A component's prerequisite check: passed, or the error naming what to install. */
export interface PrerequisiteResult {
  readonly component: string;
  readonly ok: boolean;
  /** A PrerequisiteError (package and install command), or whatever else the check threw. */
  readonly error?: Error;
}

/** The ports a component's units listen on, or the error that kept it from saying. */
export interface ComponentPorts {
  readonly component: string;
  readonly ports: readonly PortClaim[];
  readonly error?: Error;
}

/** What a check threw, as an Error (a string thrown stays readable). */
export const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));
