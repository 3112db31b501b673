import type { CallOptions, HttpMethod, QueryValue } from '@datapark/http';
import {
  HttpAbortError,
  HttpConnectionError,
  httpRequest,
  HttpStatusError,
  HttpTimeoutError,
} from '@datapark/http';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  RequestAbortedError,
  TimeoutError,
} from './errors.js';
import type { TokenSource } from './token-source.js';

/** Options every call takes (the last argument of each resource method). */
export type RequestOptions = CallOptions;

export type { QueryValue };

export interface Request extends RequestOptions {
  readonly method: HttpMethod;
  /** Path under the base URL, e.g. `/api/v2/dags`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>> | object | undefined;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the method's default: true for a PATCH that sets absolute values, say. */
  readonly idempotent?: boolean;
  /** False for the token request itself. */
  readonly authenticate?: boolean;
  /** Values no error may show (the password of the token request). */
  readonly secrets?: readonly string[];
}

export interface HttpClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries?: number;
  readonly tokens?: TokenSource | undefined;
  readonly userAgent?: string;
}

/**
 * The api-server as @datapark/http calls it (a timeout per attempt, the caller's AbortSignal,
 * retries with backoff for calls safe to repeat, credentials kept out of errors), plus what is
 * Airflow's own: the bearer token, renewed before expiry and once after a 401, and one typed
 * error per failure ({@link ApiError.generate}).
 */
export class HttpClient {
  readonly baseUrl: string;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async request<T>(request: Request): Promise<T> {
    const tokens = request.authenticate === false ? undefined : this.options.tokens;
    // A 401 on a call that carried a token: the token lapsed or the server's key changed.
    // Fetch a new one and try once more; a 401 was refused before doing anything.
    for (let renewed = false; ; renewed = true) {
      let token: string | undefined;
      try {
        const response = await httpRequest({
          method: request.method,
          url: this.baseUrl + request.path,
          query: request.query,
          body: request.body,
          headers: {
            'User-Agent': this.options.userAgent ?? '@datapark/airflow-client',
            ...request.headers,
          },
          ...(tokens
            ? {
                authorization: async () => {
                  token = await tokens.get();
                  return `Bearer ${token}`;
                },
              }
            : {}),
          ...(request.idempotent === undefined ? {} : { idempotent: request.idempotent }),
          ...(request.secrets ? { secrets: request.secrets } : {}),
          timeoutMs: request.timeoutMs ?? this.options.timeoutMs,
          maxRetries: request.maxRetries ?? this.options.maxRetries,
          ...(request.signal ? { signal: request.signal } : {}),
        });
        return (response.json ?? (response.text === '' ? undefined : response.text)) as T;
      } catch (error) {
        const failure = apiError(error);
        if (failure instanceof AuthenticationError && token && !renewed) {
          tokens?.invalidate(token);
          continue;
        }
        throw failure;
      }
    }
  }
}

/** The core's error as this package's: the class for its status, or for no answer. */
function apiError(error: unknown): unknown {
  if (error instanceof HttpStatusError) {
    return ApiError.generate(error.status, error.json ?? error.body, error.request, error.headers);
  }
  if (error instanceof HttpAbortError) {
    return new RequestAbortedError(error.request, { cause: error.cause });
  }
  if (error instanceof HttpTimeoutError) {
    return new TimeoutError(error.request, error.timeoutMs, { cause: error.cause });
  }
  if (error instanceof HttpConnectionError) {
    return new ConnectionError(error.request, error.code, { cause: error.cause });
  }
  return error;
}
