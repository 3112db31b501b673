import type { HttpErrorDetails, RequestInfo } from '@datapark/http';
import { bodyExcerpt, HttpError } from '@datapark/http';

export type { RequestInfo };

/**
 * Airflow's problem detail: FastAPI's `detail`, a message (`"The Dag with ID: `x` was not
 * found"`), an object, or for 422 the list of validation errors.
 */
export type ProblemDetail =
  | string
  | Readonly<Record<string, unknown>>
  | readonly {
      readonly loc: readonly (string | number)[];
      readonly msg: string;
      readonly type: string;
    }[];

/**
 * Base of every error this package throws. Branch on the subclass, never on the text. It is an
 * {@link HttpError} of `@datapark/http`, as every Data Park SDK's errors are: `status`,
 * `request` and `body` are set on an {@link ApiError}, undefined on the waits' errors.
 */
export class AirflowClientError extends HttpError {
  override readonly name: string = 'AirflowClientError';
}

/**
 * An Airflow REST call that failed: the server answered with an error status (`status` set), or
 * it never answered (`ConnectionError`, `TimeoutError`, `status` undefined). Build one with
 * {@link ApiError.generate}, which picks the subclass for the status.
 *
 * @example
 * ```ts
 * try {
 *   await client.variables.get('missing');
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.log(error.status, error.detail); // 404 'The Variable with key: `missing` was not found'
 * }
 * ```
 */
export class ApiError extends AirflowClientError {
  override readonly name: string = 'ApiError';
  declare readonly request: RequestInfo;

  constructor(
    /** HTTP status; undefined when no response came back. */
    status: number | undefined,
    /** Airflow's problem detail (the `detail` of the JSON body), when it sent one. */
    readonly detail: ProblemDetail | undefined,
    request: RequestInfo,
    message: string,
    /** Response headers, lower-cased. */
    headers: Readonly<Record<string, string>> = {},
    options?: Pick<HttpErrorDetails, 'cause' | 'body' | 'code' | 'hint'>,
  ) {
    super(message, { status, request, headers, ...options });
  }

  /**
   * The one place that maps an answer to an error class: 400 {@link BadRequestError}, 401
   * {@link AuthenticationError}, 403 {@link PermissionDeniedError}, 404 {@link NotFoundError},
   * 409 {@link ConflictError}, 422 {@link UnprocessableEntityError}, 429 {@link RateLimitError},
   * ≥ 500 {@link InternalServerError}; no status at all is a {@link ConnectionError}.
   */
  static generate(
    status: number | undefined,
    body: unknown,
    request: RequestInfo,
    headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ): ApiError {
    if (status === undefined) {
      const cause = options?.cause as { code?: string; message?: string } | undefined;
      return new ConnectionError(request, cause?.code, options);
    }
    const detail = problemDetail(body);
    const message = describe(status, detail, request);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const args = [
      status,
      detail,
      request,
      message,
      headers,
      { ...options, body: text === undefined ? undefined : bodyExcerpt(text) },
    ] as const;
    if (status === 400) return new BadRequestError(...args);
    if (status === 401) return new AuthenticationError(...args);
    if (status === 403) return new PermissionDeniedError(...args);
    if (status === 404) return new NotFoundError(...args);
    if (status === 409) return new ConflictError(...args);
    if (status === 422) return new UnprocessableEntityError(...args);
    if (status === 429) return new RateLimitError(...args);
    if (status >= 500) return new InternalServerError(...args);
    return new ApiError(...args);
  }
}

/** 400: Airflow refused the request as malformed (e.g. a bad `update_mask`). */
export class BadRequestError extends ApiError {
  override readonly name = 'BadRequestError';
}

/** 401: wrong user name or password, or a token Airflow no longer accepts. */
export class AuthenticationError extends ApiError {
  override readonly name = 'AuthenticationError';
}

/** 403: the user may not do this (its role lacks the permission). */
export class PermissionDeniedError extends ApiError {
  override readonly name = 'PermissionDeniedError';
}

/** 404: no such DAG, run, task instance, variable, connection, pool or XCom. */
export class NotFoundError extends ApiError {
  override readonly name: string = 'NotFoundError';
}

/** 409: it exists already (a variable, pool, connection, or a run with this id). */
export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
}

/** 422: the body or the query failed Airflow's validation; `detail` lists each problem. */
export class UnprocessableEntityError extends ApiError {
  override readonly name = 'UnprocessableEntityError';
}

/** 429: too many requests; retried for safe calls, honouring Retry-After. */
export class RateLimitError extends ApiError {
  override readonly name = 'RateLimitError';
}

/** ≥ 500: the api-server failed; retried for calls that are safe to repeat. */
export class InternalServerError extends ApiError {
  override readonly name = 'InternalServerError';
}

const START_AIRFLOW = 'node apps/datapark-cli/dist/cli.js up --only airflow';

/**
 * No answer: the connection was refused or reset (the api-server is down or restarting), or
 * the name did not resolve. `code` is Node's error code (ECONNREFUSED, ECONNRESET, …).
 */
export class ConnectionError extends ApiError {
  override readonly name: string = 'ConnectionError';
  constructor(
    request: RequestInfo,
    code: string | undefined,
    options?: { cause?: unknown },
    message = `${request.method} ${request.url}: no answer from the Airflow api-server (${code ?? 'connection error'}); is it up? ${START_AIRFLOW}`,
  ) {
    super(undefined, undefined, request, message, {}, { ...options, code, hint: START_AIRFLOW });
  }
}

/** No answer within the call's timeout (`timeoutMs`). */
export class TimeoutError extends ConnectionError {
  override readonly name = 'TimeoutError';
  constructor(
    request: RequestInfo,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      request,
      'ETIMEDOUT',
      options,
      `${request.method} ${request.url}: no answer within ${timeoutMs} ms (raise timeoutMs for slow calls)`,
    );
  }
}

/** The caller's AbortSignal fired; never retried. */
export class RequestAbortedError extends ApiError {
  override readonly name = 'RequestAbortedError';
  constructor(request: RequestInfo, options?: { cause?: unknown }) {
    super(undefined, undefined, request, `${request.method} ${request.url}: aborted`, {}, options);
  }
}

function problemDetail(body: unknown): ProblemDetail | undefined {
  if (body && typeof body === 'object' && 'detail' in body) {
    return (body as { detail: ProblemDetail }).detail;
  }
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 2000);
  return undefined;
}

function describe(status: number, detail: ProblemDetail | undefined, request: RequestInfo): string {
  const where = `${request.method} ${new URL(request.url).pathname}`;
  if (detail === undefined) return `${status} from ${where}`;
  if (typeof detail === 'string') return `${status} from ${where}: ${detail}`;
  if (Array.isArray(detail)) {
    const problems = detail.map((p) => `${p.loc.join('.')}: ${p.msg}`).join('; ');
    return `${status} from ${where}: ${problems}`;
  }
  return `${status} from ${where}: ${JSON.stringify(detail)}`;
}
