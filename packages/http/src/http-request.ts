import type { RequestInfo } from './errors.js';
import {
  HttpAbortError,
  HttpConnectionError,
  HttpError,
  HttpStatusError,
  HttpTimeoutError,
} from './errors.js';
import {
  credentialsOf,
  displayUrl,
  networkCause,
  redactHeaders,
  redactSecrets,
} from './redaction.js';
import {
  DEFAULT_MAX_RETRIES,
  isRetryableStatus,
  isSafeToRepeat,
  pause,
  retryDelayMs,
} from './retry-policy.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/** What every SDK call takes as its last argument. */
export interface CallOptions {
  /** Give up on an attempt after this long; default 30 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, for requests safe to repeat; default 2. */
  readonly maxRetries?: number;
  /** Aborts the call, its retries and the waits between them, at once. */
  readonly signal?: AbortSignal;
}

export type HttpMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue =
  string | number | boolean | readonly (string | number)[] | null | undefined;

export interface HttpRequest extends CallOptions {
  readonly method: HttpMethod;
  readonly url: string | URL;
  /** Appended to the URL; an array repeats its key (`state=a&state=b`); null/undefined are left out. */
  readonly query?: Readonly<Record<string, QueryValue>> | object | undefined;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The `Authorization` header, made for every attempt: a signed or renewed token may lapse
   * during the waits between attempts. Its value never appears in an error.
   */
  readonly authorization?: () => string | Promise<string>;
  /**
   * Overrides the method's default: true for a request whose repetition has no further effect
   * (a PATCH that sets absolute values; a POST its SDK documents as such), false for none.
   */
  readonly idempotent?: boolean;
  /**
   * Statuses the caller reads itself (an API that answers errors in its own protocol): returned
   * rather than thrown, once the retries a retryable status gets are spent.
   */
  readonly acceptStatus?: (status: number) => boolean;
  /** Further values no error may show (a password sent in the body, which a server may echo). */
  readonly secrets?: readonly string[];
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body; a credential of the request that a server echoed is `[redacted]`. */
  readonly text: string;
  /** The body parsed, when it is JSON (by content type or by its first character); else undefined. */
  readonly json: unknown;
  readonly request: RequestInfo;
}

/**
 * One HTTP call with everything an SDK should not write twice: a timeout per attempt, the
 * caller's AbortSignal (also during the waits between attempts), retries with backoff and
 * `Retry-After` for requests safe to repeat (and for any request whose connection was refused,
 * since nothing was sent), and one typed error per failure: {@link HttpStatusError},
 * {@link HttpConnectionError}, {@link HttpTimeoutError}, {@link HttpAbortError}. Built on the
 * platform's fetch.
 *
 * @example
 * ```ts
 * const { json } = await httpRequest({
 *   method: 'GET',
 *   url: 'http://127.0.0.1:18280/api/v2/dags',
 *   query: { limit: 10, tags: ['etl', 'daily'] }, // ?limit=10&tags=etl&tags=daily
 *   authorization: () => `Bearer ${token}`,
 *   signal: AbortSignal.timeout(60_000),
 * });
 * ```
 */
export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const maxRetries = request.maxRetries ?? DEFAULT_MAX_RETRIES;
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const safe = isSafeToRepeat(request.method, request.idempotent);
  const url = withQuery(request.url, request.query);
  if (url.username || url.password) {
    // fetch refuses such a URL with a message that quotes it, password included.
    const shown = displayUrl(url, []);
    throw new HttpError(`${request.method} ${shown}: the URL holds a user name or password`, {
      request: { method: request.method, url: shown },
      code: 'ERR_URL_CREDENTIALS',
      hint: 'pass credentials with `authorization`, never in the URL',
    });
  }

  for (let retries = 0; ; retries++) {
    const authorization = request.authorization ? await request.authorization() : undefined;
    const secrets = [...(request.secrets ?? []), ...credentialsOf(authorization)];
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...request.headers,
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    };
    const info: RequestInfo = {
      method: request.method,
      url: displayUrl(url, secrets),
      headers: redactHeaders(headers),
    };

    const outcome = await attempt(url, request, headers, info, timeoutMs, secrets);
    let delayMs: number;
    if (outcome instanceof HttpError) {
      // A refused connection never reached a server, so even a POST may go again.
      const unsent = outcome.code === 'ECONNREFUSED';
      if (outcome instanceof HttpAbortError || !(safe || unsent) || retries >= maxRetries) {
        throw outcome;
      }
      delayMs = retryDelayMs(retries);
    } else {
      const retry = safe && isRetryableStatus(outcome.status) && retries < maxRetries;
      if (!retry) {
        if (outcome.status < 400 || request.acceptStatus?.(outcome.status)) return outcome;
        throw new HttpStatusError(outcome);
      }
      delayMs = retryDelayMs(retries, outcome.headers);
    }
    try {
      await pause(delayMs, request.signal);
    } catch (error) {
      throw new HttpAbortError(info, { cause: request.signal?.reason ?? error });
    }
  }
}

/** One attempt: its answer, or the error that says why there was none. */
async function attempt(
  url: URL,
  request: HttpRequest,
  headers: Readonly<Record<string, string>>,
  info: RequestInfo,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<HttpResponse | HttpError> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      // Redirects are followed (Spark's worker UI sends /log to /log/); fetch drops the
      // Authorization header when one leads to another origin (Fetch standard, HTTP-redirect fetch).
      redirect: 'follow',
      signal: request.signal ? AbortSignal.any([timeout, request.signal]) : timeout,
    });
    const text = redactSecrets(await response.text(), secrets);
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(redactHeaders(Object.fromEntries(response.headers))))
      responseHeaders[name] = redactSecrets(value, secrets);
    return {
      status: response.status,
      headers: responseHeaders,
      text,
      json: parseJson(text, responseHeaders['content-type']),
      request: info,
    };
  } catch (error) {
    if (request.signal?.aborted) return new HttpAbortError(info, { cause: request.signal.reason });
    const cause = networkCause(error, secrets);
    if (timeout.aborted) return new HttpTimeoutError(info, timeoutMs, { cause });
    return new HttpConnectionError(info, networkCode(error), { cause });
  }
}

/**
 * Node's code for a network failure beneath fetch's `TypeError: fetch failed`. undici reports
 * a connection the server closed before answering as UND_ERR_SOCKET ("other side closed"):
 * that is a reset, and callers know it as ECONNRESET. Deno's fetch (the notebooks' kernel)
 * gives no code at all, only the OS's words in the message.
 */
function networkCode(error: unknown): string | undefined {
  const below = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  const code = below?.code ?? below?.errors?.[0]?.code;
  if (code === 'UND_ERR_SOCKET') return 'ECONNRESET';
  if (typeof code === 'string') return code;
  const message = String((below as { message?: unknown } | undefined)?.message ?? '');
  if (/connection refused/i.test(message)) return 'ECONNREFUSED';
  if (/connection reset/i.test(message)) return 'ECONNRESET';
  return undefined;
}

function withQuery(base: string | URL, query: HttpRequest['query']): URL {
  const url = new URL(base);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
  }
  return url;
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (!text || !(contentType?.includes('json') || /^\s*[[{]/.test(text))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
