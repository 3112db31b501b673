import { isConnectionError } from '../platform/component-unreachable.js';

// SQLSTATEs after which the same transaction, tried again, can succeed:
// https://www.postgresql.org/docs/current/errcodes-appendix.html
const RETRY_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '23505', // unique_violation: another ingest landed the same Kafka position first
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);

/**
 * Whether a PostgreSQL failure is worth retrying the whole batch transaction for: the server went
 * away or is restarting, or a concurrent writer won a race that the next attempt will see.
 */
export function isTransientPgError(error: unknown): boolean {
  const e = error as { code?: string; message?: string; cause?: unknown };
  if (typeof e?.code === 'string' && (RETRY_SQLSTATES.has(e.code) || e.code.startsWith('08')))
    return true;
  if (isConnectionError(error)) return true;
  // node-postgres reports a socket closed under it with these messages and no code.
  const message = e?.message ?? '';
  if (
    /Connection terminated|Client has encountered a connection error|Connection ended/.test(message)
  )
    return true;
  return e?.cause !== undefined && e.cause !== error ? isTransientPgError(e.cause) : false;
}

/** Exponential backoff with up to 25% jitter: 0.5 s doubling to `maxMs`. */
export function backoffMs(attempt: number, maxMs = 8000): number {
  const base = Math.min(maxMs, 500 * 2 ** attempt);
  return Math.round(base * (1 - Math.random() * 0.25));
}
