// The retry policy of every Data Park HTTP SDK, in one place. The numbers are openai-node's
// (src/client.ts, calculateDefaultRetryTimeoutMillis): retry 408/409/429/≥500 and connection
// failures, honour Retry-After under 60 s, else 0.5 s doubling to 8 s minus up to 25% jitter,
// 2 retries.
import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_MAX_RETRIES = 2;
const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8000;
const MAX_RETRY_AFTER_MS = 60_000;

/** Methods whose repetition cannot do anything twice (RFC 9110 §9.2.2). POST is never among them. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * True when a call may be sent again after an unclear outcome: an idempotent method, or a
 * request its caller marked `idempotent` (a PATCH that sets absolute values, a POST whose
 * repetition has no further effect). `idempotent: false` turns retries off for any method.
 */
export function isSafeToRepeat(method: string, idempotent?: boolean): boolean {
  return idempotent ?? IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * Statuses worth another try: 408 (request timeout), 409 (Airflow answers it for lock
 * conflicts too), 429 (rate limited), and every 5xx (a restarting or overloaded server).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * How long to wait before retry number `retriesSoFar + 1`: the server's `retry-after-ms` or
 * `retry-after` (seconds or an HTTP date) when it asks for less than 60 s, else exponential
 * backoff from 0.5 s, capped at 8 s, minus up to 25% jitter so that clients that failed
 * together do not come back together.
 *
 * @example
 * ```ts
 * retryDelayMs(0, {}, () => 0); // 500
 * retryDelayMs(3, {}, () => 0); // 4000
 * retryDelayMs(0, { 'retry-after': '3' }); // 3000
 * ```
 */
export function retryDelayMs(
  retriesSoFar: number,
  headers: Readonly<Record<string, string>> = {},
  random: () => number = Math.random,
): number {
  const asked = retryAfterMs(headers);
  if (asked !== undefined && asked >= 0 && asked < MAX_RETRY_AFTER_MS) return asked;
  const base = Math.min(INITIAL_DELAY_MS * 2 ** retriesSoFar, MAX_DELAY_MS);
  return base * (1 - random() * 0.25);
}

/** The delay a response asks for, in ms, or undefined when it asks for none (or nonsense). */
export function retryAfterMs(headers: Readonly<Record<string, string>>): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers['retry-after'];
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date - Date.now();
}

/**
 * Waits `ms`, or rejects at once when `signal` fires (with the signal's reason as `cause` of
 * Node's AbortError): a caller who gives up is not kept waiting out a backoff.
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await sleep(ms, undefined, signal ? { signal } : undefined);
}
