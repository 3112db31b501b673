import type { DataparkConfig, PostgresRole } from '@datapark/config';
import { endpointOrigin, valueOrigin } from '@datapark/config';
import { DbError } from './db-error.js';

/** Node's codes for a connection that could not be made: nobody answers at that address. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/**
 * A connection to PostgreSQL could not be made: where it went, what set that address when an
 * option or a `DATAPARK_*` variable points away from the platform, and the fix. `cause` is the
 * driver's own error (its `code`: ECONNREFUSED, 28P01, …).
 */
export class PostgresConnectionError extends DbError {
  override readonly name = 'PostgresConnectionError';
}

/**
 * The driver's connection error, explained: `cannot connect to PostgreSQL at 127.0.0.1:25999
 * (set by DATAPARK_POSTGRES_PORT; the platform's PostgreSQL is at 127.0.0.1:15432)`. Any other
 * error is returned as it is.
 */
export function explainConnectionError(
  config: DataparkConfig,
  role: PostgresRole,
  error: unknown,
): unknown {
  const code = codeOf(error);
  const origin = endpointOrigin(config, 'postgres');
  // node-postgres' errors may come from another realm (Jest's VM): no instanceof Error here.
  const message = (error as { message?: unknown } | undefined)?.message;
  const driver = typeof message === 'string' ? message : String(error);
  if (code && UNREACHABLE_CODES.has(code)) {
    return new PostgresConnectionError(
      `cannot connect to PostgreSQL at ${origin.address}${origin.note ? ` (${origin.note})` : ''}: ${driver}`,
      {
        code: 'POSTGRES_UNREACHABLE',
        hint: origin.fix ?? 'start the platform: npx nx run platform:up',
        cause: error,
      },
    );
  }
  if (code === '28P01') {
    // The password's origin, never the password.
    const password = valueOrigin(config, `postgres.roles.${role}.password`);
    const moved = origin.note ? `; the address is ${origin.note}` : '';
    const setBy = password?.variable
      ? ` (the password is set by ${password.variable}${moved})`
      : origin.note
        ? ` (${origin.note})`
        : '';
    return new PostgresConnectionError(
      `PostgreSQL at ${origin.address} refused the password of ${config.postgres.roles[role].user}${setBy}: ${driver}`,
      {
        code: 'POSTGRES_AUTH_FAILED',
        hint: password?.variable
          ? `unset ${password.variable} to use the password the platform generated (endpoints file ${config.endpointsFile})`
          : (origin.fix ??
            `the endpoints file ${config.endpointsFile} may be from another platform: npx nx run platform:up rewrites it`),
        cause: error,
      },
    );
  }
  return error;
}

function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown[] } | undefined;
  if (typeof e?.code === 'string') return e.code;
  // A host name with several addresses fails with an AggregateError of one error each.
  if (Array.isArray(e?.errors)) return e.errors.map(codeOf).find(Boolean);
  return undefined;
}
