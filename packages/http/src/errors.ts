/**
 * The request an error is about, enough to find it again in the server's log. `url` never
 * holds a user name or password, and `headers` show a credential header only as `[redacted]`.
 */
export interface RequestInfo {
  readonly method: string;
  /** The full URL, query included. */
  readonly url: string;
  /** The headers sent, lower-cased, credentials redacted. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What an {@link HttpError} may carry besides its message. */
export interface HttpErrorDetails {
  /** The HTTP status; undefined when no answer came back, or the error is about no answer. */
  readonly status?: number | undefined;
  readonly request?: RequestInfo | undefined;
  /** The start of the response body (credentials of the request replaced by `[redacted]`). */
  readonly body?: string | undefined;
  /** Response headers, lower-cased, cookies redacted. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** A machine-readable reason: Node's network code (`ECONNREFUSED`, …) or the SDK's own. */
  readonly code?: string | undefined;
  /** What to do about it, when there is something to do: `start it: npx nx run platform:up`. */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/**
 * Base of every error the Data Park HTTP SDKs throw: each SDK's own base class extends it, so
 * every error has the same fields. `status`, `request` and `body` are set when the error is
 * about an HTTP exchange; an SDK's errors about outcomes (a Spark job that failed) leave them
 * undefined. Branch on the subclass, never on the message.
 *
 * @example
 * ```ts
 * try {
 *   await httpRequest({ method: 'GET', url: 'http://127.0.0.1:18280/api/v2/version' });
 * } catch (error) {
 *   if (error instanceof HttpError) console.log(error.status, error.body, error.hint);
 * }
 * ```
 */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  readonly status: number | undefined;
  readonly request: RequestInfo | undefined;
  readonly body: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly code: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.request = details.request;
    this.body = details.body;
    this.headers = details.headers ?? {};
    this.code = details.code;
    this.hint = details.hint;
  }
}

/** The server answered with a status ≥ 400 (after any retries it was worth). */
export class HttpStatusError extends HttpError {
  override readonly name = 'HttpStatusError';
  declare readonly status: number;
  declare readonly request: RequestInfo;
  /** The body parsed as JSON, when it was JSON. */
  readonly json: unknown;

  constructor(answer: {
    readonly status: number;
    readonly request: RequestInfo;
    readonly headers: Readonly<Record<string, string>>;
    readonly text: string;
    readonly json: unknown;
  }) {
    const body = bodyExcerpt(answer.text);
    const firstLine = body?.split('\n')[0]?.slice(0, 200);
    super(
      `${answer.status} from ${answer.request.method} ${new URL(answer.request.url).pathname}` +
        (firstLine ? `: ${firstLine}` : ''),
      { status: answer.status, request: answer.request, headers: answer.headers, body },
    );
    this.json = answer.json;
  }
}

/**
 * No answer: the connection was refused or reset, or the name did not resolve. `code` is Node's
 * (ECONNREFUSED, ECONNRESET, ENOTFOUND, …); `cause` keeps the socket error's message and code,
 * nothing of the request.
 */
export class HttpConnectionError extends HttpError {
  override readonly name: string = 'HttpConnectionError';
  declare readonly request: RequestInfo;

  constructor(
    request: RequestInfo,
    code: string | undefined,
    options: { cause?: unknown; message?: string } = {},
  ) {
    super(
      options.message ??
        `${request.method} ${request.url}: no answer (${code ?? 'connection error'})`,
      { request, code, cause: options.cause },
    );
  }
}

/** No answer within the attempt's timeout (`timeoutMs`). */
export class HttpTimeoutError extends HttpConnectionError {
  override readonly name = 'HttpTimeoutError';

  constructor(
    request: RequestInfo,
    readonly timeoutMs: number,
    options: { cause?: unknown } = {},
  ) {
    super(request, 'ETIMEDOUT', {
      ...options,
      message: `${request.method} ${request.url}: no answer within ${timeoutMs} ms`,
    });
  }
}

/** The caller's AbortSignal fired, during a request or a wait between retries. Never retried. */
export class HttpAbortError extends HttpError {
  override readonly name = 'HttpAbortError';
  declare readonly request: RequestInfo;

  constructor(request: RequestInfo, options: { cause?: unknown } = {}) {
    super(`${request.method} ${request.url}: aborted`, { request, cause: options.cause });
  }
}

/** How much of a response body an error keeps. */
const BODY_EXCERPT_CHARS = 2000;

/** The start of a body, for an error; undefined for an empty one. */
export function bodyExcerpt(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  return trimmed.length > BODY_EXCERPT_CHARS ? `${trimmed.slice(0, BODY_EXCERPT_CHARS)}…` : trimmed;
}
