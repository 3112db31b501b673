import { PlatformError } from '@datapark/platform';

/** How a check came out: `✓`, `!` (works, but watch it) or `✗` (this is why it will not start). */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** Where a check looks, in the order the report lists them. */
export const CHECK_GROUPS = [
  'machine',
  'configuration',
  'prerequisites',
  'ports',
  'platform',
] as const;
export type CheckGroup = (typeof CHECK_GROUPS)[number];

/** One finding of `datapark doctor`, and what to do about it when it is not ✓. */
export interface Check {
  readonly group: CheckGroup;
  /** What was checked: `node`, `memory`, `kafka`, `127.0.0.1:15432`. */
  readonly name: string;
  readonly status: CheckStatus;
  readonly finding: string;
  /** A command or step that fixes it. */
  readonly fix?: string;
  /** Evidence under the finding, e.g. the last lines of a log. */
  readonly details?: readonly string[];
}

/** Builds the checks of one group: `const c = checksOf('machine'); c.ok('cpus', '2 CPUs')`. */
export function checksOf(group: CheckGroup) {
  const make =
    (status: CheckStatus) =>
    (name: string, finding: string, more: Pick<Check, 'fix' | 'details'> = {}): Check => ({
      group,
      name,
      status,
      finding,
      ...more,
    });
  return { ok: make('ok'), warn: make('warn'), fail: make('fail') };
}

/** What an error says failed, and its fix when it is a PlatformError that carries one. */
export function findingOf(error: unknown): { finding: string; more: Pick<Check, 'fix'> } {
  if (error instanceof PlatformError)
    return { finding: error.problem, more: error.fix ? { fix: error.fix } : {} };
  return { finding: error instanceof Error ? error.message : String(error), more: {} };
}

/** 1.5 GiB, 300 MiB. */
export function formatBytes(bytes: number): string {
  const mib = bytes / 2 ** 20;
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}
