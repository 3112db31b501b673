import type { HttpResponse } from '@datapark/http';
import { HttpAbortError, HttpConnectionError, httpRequest } from '@datapark/http';
import {
  SparkAuthenticationError,
  SparkError,
  SparkProtocolVersionError,
  SparkRestDisabledError,
  SparkUnreachableError,
  SubmissionRejectedError,
} from './errors.js';
import type { ErrorResponse, RestResponse } from './protocol.js';
import { restAuthorization } from './rest-auth.js';

export interface RestServerOptions {
  /** The REST submission server, e.g. http://127.0.0.1:16066. */
  readonly restUrl: string;
  /** The master's web UI: asked, when the REST server does not answer, whether the master does. */
  readonly uiUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

export interface RestCall {
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  /** Marks a POST whose repetition has no further effect, so that it is retried like a GET. */
  readonly idempotent?: boolean;
  /** Error statuses whose body is still the protocol's answer (readyz's 503). */
  readonly acceptStatus?: readonly number[];
  readonly signal?: AbortSignal | undefined;
}

/**
 * The standalone master's REST submission server, as @datapark/http calls it: every request
 * signed for Spark's JWSFilter (afresh for every attempt: a signature lapses), and every answer
 * turned into the protocol's response or the {@link SparkError} that says what went wrong.
 */
export class RestServer {
  // An ECMAScript private field: util.inspect and JSON.stringify never show the key.
  readonly #secret: string | undefined;

  constructor(
    readonly options: RestServerOptions,
    secret: string | undefined,
  ) {
    this.#secret = secret;
  }

  /**
   * One call of the protocol. Aborted by `signal`, it rejects with the signal's reason, as
   * fetch does.
   */
  async call<T extends RestResponse>(path: string, call: RestCall = {}): Promise<T> {
    const url = new URL(path, this.options.restUrl).toString();
    const secret = this.#secret;
    let response: HttpResponse;
    try {
      response = await httpRequest({
        method: call.method ?? 'GET',
        url,
        body: call.body,
        ...(secret ? { authorization: () => restAuthorization(secret) } : {}),
        ...(call.idempotent === undefined ? {} : { idempotent: call.idempotent }),
        // Spark answers refusals in its protocol (ErrorResponse), whatever the status: read below.
        acceptStatus: () => true,
        timeoutMs: this.options.timeoutMs,
        maxRetries: this.options.maxRetries,
        ...(call.signal ? { signal: call.signal } : {}),
      });
    } catch (error) {
      if (error instanceof HttpAbortError) throw call.signal?.reason ?? error;
      if (error instanceof HttpConnectionError) throw await this.unreachable(error);
      throw error;
    }
    return this.read<T>(path, url, response, call);
  }

  private read<T extends RestResponse>(
    path: string,
    url: string,
    response: HttpResponse,
    call: RestCall,
  ): T {
    const { status, request } = response;
    const excerpt = response.text.slice(0, 500);
    const details = { status, request, body: excerpt, headers: response.headers };
    if (status === 401 || status === 403) {
      const hint = this.#secret
        ? 'its key is not the one this client signs with; reload spark.restSecret from the endpoints file (or DATAPARK_SPARK_REST_SECRET)'
        : 'it requires signed requests and this client has no key; create it with SparkRestClient.fromConfig(loadConfig()), or pass restSecret (DATAPARK_SPARK_REST_SECRET)';
      throw new SparkAuthenticationError(
        `the Spark REST server at ${this.options.restUrl} refused ${path} (HTTP ${status}): ${hint}`,
        response.text
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 200),
        { ...details, hint },
      );
    }
    const body = response.json as (T | ErrorResponse) | undefined;
    if (!body || typeof body !== 'object' || !('action' in body)) {
      throw new SparkError(`unexpected answer from ${url} (HTTP ${status})`, excerpt, details);
    }
    if (body.action === 'ErrorResponse') {
      const error = body as ErrorResponse;
      if (error.highestProtocolVersion) {
        throw new SparkProtocolVersionError(
          `the Spark REST server does not speak this protocol version; the highest it speaks is ${error.highestProtocolVersion}`,
          error.highestProtocolVersion,
          error.message,
          details,
        );
      }
      throw new SubmissionRejectedError(
        `the Spark REST server refused ${path}: ${(error.message ?? '').split('\n')[0]}`,
        error.message,
        details,
      );
    }
    if (status >= 400 && !call.acceptStatus?.includes(status) && !('success' in body)) {
      throw new SparkError(`HTTP ${status} from ${url}`, excerpt, details);
    }
    return body as T;
  }

  /** No answer: is it the REST server or the whole master? The UI tells. */
  private async unreachable(error: HttpConnectionError): Promise<SparkError> {
    const uiAnswers = await httpRequest({
      method: 'GET',
      url: new URL('/json/', this.options.uiUrl),
      timeoutMs: 3000,
      maxRetries: 0,
    }).then(
      () => true,
      () => false,
    );
    const details = { request: error.request, code: error.code, cause: error };
    if (uiAnswers) {
      const hint = 'set spark.master.rest.enabled=true (and spark.master.rest.port)';
      return new SparkRestDisabledError(
        `the Spark master answers at ${this.options.uiUrl} but its REST submission server at ${this.options.restUrl} does not: ${hint}`,
        undefined,
        { ...details, hint },
      );
    }
    const hint = 'is the platform up? npx nx run platform:up --only spark';
    return new SparkUnreachableError(
      `the Spark master at ${this.options.restUrl} does not answer (${error.message}): ${hint}`,
      undefined,
      { ...details, hint },
    );
  }
}
