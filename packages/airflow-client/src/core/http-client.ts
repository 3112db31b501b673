import { setTimeout as sleep } from 'node:timers/promises';
import axios from 'axios';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { RequestInfo } from './errors.js';
import { ApiError, ConnectionError, RequestAbortedError, TimeoutError } from './errors.js';
import { DEFAULT_MAX_RETRIES, isRetryableStatus, isSafeToRepeat, retryDelayMs } from './retry.js';
import type { TokenSource } from './token-source.js';

/** Options every call takes (the last argument of each resource method). */
export interface RequestOptions {
  /** Give up on an attempt after this long; the default is the client's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, for calls that are safe to repeat. */
  readonly maxRetries?: number;
  /** Aborts the call, its retries and the waits between them. */
  readonly signal?: AbortSignal;
}

export type QueryValue =
  string | number | boolean | readonly (string | number)[] | null | undefined;

export interface Request extends RequestOptions {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD';
  /** Path under the base URL, e.g. `/api/v2/dags`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>> | object | undefined;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the method's default: true for a PATCH that sets absolute values, say. */
  readonly idempotent?: boolean;
  /** False for the token request itself. */
  readonly authenticate?: boolean;
}

export interface HttpClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries?: number;
  readonly tokens?: TokenSource | undefined;
  readonly userAgent?: string;
}

/**
 * One HTTP call to the api-server with everything a caller should not have to write: the bearer
 * token (renewed before expiry and once after a 401), a timeout per attempt, the caller's
 * AbortSignal, retries with backoff for calls safe to repeat, and one typed error per failure
 * ({@link ApiError.generate}).
 */
export class HttpClient {
  readonly baseUrl: string;
  private readonly axios: AxiosInstance;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.axios = axios.create({
      baseURL: this.baseUrl,
      // Statuses, bodies and timeouts are handled below, in one place, for every call.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      // Airflow reads repeated keys for lists (`state=failed&state=success`), not `state[]=`.
      paramsSerializer: { indexes: null },
      maxRedirects: 0,
      headers: {
        Accept: 'application/json',
        'User-Agent': options.userAgent ?? '@datapark/airflow-client',
      },
    });
  }

  async request<T>(request: Request): Promise<T> {
    const maxRetries = request.maxRetries ?? this.options.maxRetries ?? DEFAULT_MAX_RETRIES;
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const safe = isSafeToRepeat(request.method, request.idempotent);
    const info = this.describe(request);
    let renewedToken = false;

    for (let retries = 0; ;) {
      const token =
        request.authenticate === false || !this.options.tokens
          ? undefined
          : await this.options.tokens.get();
      let response: AxiosResponse<string>;
      try {
        response = await this.send(request, token, timeoutMs);
      } catch (error) {
        const failure = this.networkError(error, info, timeoutMs, request.signal);
        // A refused connection never reached the server, so even a POST may go again.
        const unsent = failure instanceof ConnectionError && failure.code === 'ECONNREFUSED';
        if (!(failure instanceof RequestAbortedError) && (safe || unsent) && retries < maxRetries) {
          await this.pause(retryDelayMs(retries++), request.signal, info);
          continue;
        }
        throw failure;
      }

      const headers = flatHeaders(response.headers);
      const body = parseBody(response.data, headers['content-type']);
      if (response.status < 400) return body as T;

      // A 401 on a call that carried a token: the token lapsed or the server's key changed.
      // Fetch a new one and try once more; a 401 was refused before doing anything.
      if (response.status === 401 && token && !renewedToken) {
        renewedToken = true;
        this.options.tokens?.invalidate(token);
        continue;
      }
      if (safe && isRetryableStatus(response.status) && retries < maxRetries) {
        await this.pause(retryDelayMs(retries++, headers), request.signal, info);
        continue;
      }
      throw ApiError.generate(response.status, body, info, headers);
    }
  }

  private send(
    request: Request,
    token: string | undefined,
    timeoutMs: number,
  ): Promise<AxiosResponse<string>> {
    const signals = [AbortSignal.timeout(timeoutMs), ...(request.signal ? [request.signal] : [])];
    return this.axios.request<string>({
      method: request.method,
      url: request.path,
      params: dropUndefined(request.query),
      ...(request.body === undefined ? {} : { data: JSON.stringify(request.body) }),
      headers: {
        ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...request.headers,
      },
      signal: AbortSignal.any(signals),
    });
  }

  private networkError(
    error: unknown,
    request: RequestInfo,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): ApiError {
    if (error instanceof ApiError) return error;
    if (signal?.aborted) return new RequestAbortedError(request, { cause: signal.reason });
    const cause = withoutRequest(error);
    // Our own timeout aborts through the same signal: axios reports it as a cancellation.
    if (axios.isCancel(error)) return new TimeoutError(request, timeoutMs, { cause });
    const code = (error as { code?: string }).code;
    if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
      return new TimeoutError(request, timeoutMs, { cause });
    }
    return new ConnectionError(request, code, { cause });
  }

  private async pause(ms: number, signal: AbortSignal | undefined, request: RequestInfo) {
    try {
      await sleep(ms, undefined, signal ? { signal } : undefined);
    } catch (error) {
      throw new RequestAbortedError(request, { cause: error });
    }
  }

  private describe(request: Request): RequestInfo {
    const url = new URL(this.baseUrl + request.path);
    for (const [key, value] of Object.entries(dropUndefined(request.query) ?? {})) {
      for (const v of Array.isArray(value) ? value : [value])
        url.searchParams.append(key, String(v));
    }
    return { method: request.method, url: url.toString() };
  }
}

function dropUndefined(query: Request['query']): Record<string, unknown> | undefined {
  if (!query) return undefined;
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined && value !== null),
  );
}

function flatHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && value !== null) {
      flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  return flat;
}

function parseBody(text: string | undefined, contentType: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The network failure without the request it failed on. An AxiosError carries its `config` and
 * `request`, whose headers hold the bearer token and, for `/auth/token`, a body with the
 * password: as an error's `cause` they would reach logs, `util.inspect` and error reporters.
 * What is kept is the message, the code and the socket error beneath (address and port only).
 */
function withoutRequest(error: unknown): Error {
  const source = error as { message?: unknown; code?: unknown; cause?: unknown } | undefined;
  const below = source?.cause;
  const safe = new Error(String(source?.message ?? error), {
    ...(below instanceof Error && !axios.isAxiosError(below) ? { cause: below } : {}),
  });
  safe.name = 'NetworkError';
  if (typeof source?.code === 'string') Object.assign(safe, { code: source.code });
  return safe;
}
