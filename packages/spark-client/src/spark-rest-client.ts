import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { DataparkConfig } from '@datapark/config';
import {
  SparkAuthenticationError,
  SparkError,
  SparkJobFailedError,
  SparkProtocolVersionError,
  SparkRestDisabledError,
  SparkTimeoutError,
  SparkUnreachableError,
  SubmissionNotFoundError,
  SubmissionRejectedError,
} from './errors.js';
import { NetworkError, requestJson } from './http.js';
import type { HttpOptions } from './http.js';
import { restAuthorization } from './rest-auth.js';
import type {
  ClearResponse,
  CreateSubmissionRequest,
  CreateSubmissionResponse,
  DriverState,
  ErrorResponse,
  KillSubmissionResponse,
  ReadyzResponse,
  SubmissionStatusResponse,
} from './protocol.js';
import { TERMINAL_DRIVER_STATES } from './protocol.js';
import { validateSparkProperties } from './validate-request.js';

export interface SparkRestClientOptions {
  /** The REST submission server, e.g. http://127.0.0.1:16066. */
  readonly restUrl: string;
  /** The spark:// URL drivers are told to use. */
  readonly masterUrl: string;
  /** The master's web UI (its /json/ status and the workers' log pages). */
  readonly uiUrl: string;
  /**
   * The key the REST server checks signatures with (`spark.restSecret` in the endpoints file):
   * every request carries a JWS signed with it. Without it a protected server answers 403.
   */
  readonly restSecret?: string | undefined;
  readonly timeoutMs?: number;
  /** Retries for calls safe to repeat (status, readyz, kill); create is never retried. */
  readonly maxRetries?: number;
  /** The Spark version we claim to be (clientSparkVersion); the server checks nothing more. */
  readonly clientSparkVersion?: string;
  /**
   * A directory of jars for every driver's and executor's classpath. A driver the REST server
   * starts does not read the cluster's spark-defaults.conf, so the client passes them along.
   */
  readonly connectorJars?: string | undefined;
}

export interface PythonSubmission {
  /** Absolute path of the script, readable by the workers. */
  readonly file: string;
  readonly args?: readonly string[];
  readonly name: string;
  readonly conf?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  /** Extra .py/.zip files for the driver's PYTHONPATH (spark.submit.pyFiles). */
  readonly pyFiles?: readonly string[];
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** Called whenever the driver state changes. */
  readonly onProgress?: (state: DriverState, submissionId: string) => void;
  readonly signal?: AbortSignal;
}

export interface FinishedSubmission {
  readonly submissionId: string;
  readonly driverState: 'FINISHED';
  readonly elapsedMs: number;
}

/**
 * Spark's REST submission protocol (the standalone master's port 6066 server), typed.
 *
 * @example
 * ```ts
 * const spark = SparkRestClient.fromConfig(loadConfig());
 * const done = await spark.submitAndWait(spark.pythonRequest({ file: '/abs/job.py', name: 'daily-sales', args: ['2026-11-01'] }));
 * ```
 */
export class SparkRestClient {
  readonly options: Required<Omit<SparkRestClientOptions, 'connectorJars' | 'restSecret'>> &
    Pick<SparkRestClientOptions, 'connectorJars'>;
  readonly #restSecret: string | undefined;

  constructor(options: SparkRestClientOptions) {
    // The key stays out of `options`, so logging or inspecting the client never shows it.
    const { restSecret, ...rest } = options;
    this.#restSecret = restSecret;
    this.options = {
      timeoutMs: 30_000,
      maxRetries: 2,
      clientSparkVersion: '4.1.1',
      connectorJars: undefined,
      ...rest,
    };
  }

  static fromConfig(
    config: DataparkConfig,
    options: Partial<SparkRestClientOptions> = {},
  ): SparkRestClient {
    return new SparkRestClient({
      restUrl: config.spark.restUrl,
      masterUrl: config.spark.masterUrl,
      uiUrl: config.spark.uiUrl,
      connectorJars: config.spark.connectorJars,
      restSecret: config.spark.restSecret,
      ...options,
    });
  }

  /**
   * A request that runs a PySpark script, in Spark's documented REST form: main class
   * SparkSubmit with the script in appArgs; SparkSubmit runs it in client mode on the worker.
   */
  pythonRequest(submission: PythonSubmission): CreateSubmissionRequest {
    const sparkProperties: Record<string, string> = {
      ...this.classPathProperties(),
      'spark.app.name': submission.name,
      'spark.master': this.options.masterUrl,
      'spark.submit.deployMode': 'client',
      ...(submission.pyFiles?.length
        ? { 'spark.submit.pyFiles': submission.pyFiles.join(',') }
        : {}),
      ...submission.conf,
    };
    return {
      action: 'CreateSubmissionRequest',
      appResource: submission.file,
      mainClass: 'org.apache.spark.deploy.SparkSubmit',
      appArgs: [submission.file, ...(submission.args ?? [])],
      clientSparkVersion: this.options.clientSparkVersion,
      sparkProperties,
      environmentVariables: { SPARK_ENV_LOADED: '1', ...submission.env },
    };
  }

  private classPathProperties(): Record<string, string> {
    const jars = this.options.connectorJars;
    return jars
      ? { 'spark.driver.extraClassPath': `${jars}/*`, 'spark.executor.extraClassPath': `${jars}/*` }
      : {};
  }

  /**
   * A request that runs the statements of a SQL file, through a small PySpark runner shipped
   * with this package (python/run_sql.py).
   */
  sqlRequest(
    submission: Omit<PythonSubmission, 'file' | 'args'> & { readonly sqlFile: string },
  ): CreateSubmissionRequest {
    const runner = fileURLToPath(new URL('../python/run_sql.py', import.meta.url));
    const { sqlFile, ...rest } = submission;
    return this.pythonRequest({ ...rest, file: runner, args: [sqlFile] });
  }

  /**
   * Submits a driver. Validated first (spark.app.name, memory and core values); never retried,
   * since a repeat could start the job twice.
   */
  async create(request: CreateSubmissionRequest, signal?: AbortSignal): Promise<string> {
    validateSparkProperties(request.sparkProperties);
    const response = await this.call<CreateSubmissionResponse>('/v1/submissions/create', {
      method: 'POST',
      body: request,
      retries: 0,
      signal,
    });
    if (!response.success || !response.submissionId) {
      throw new SubmissionRejectedError(
        `the Spark master refused the submission: ${response.message ?? 'no reason given'}`,
        response.message,
      );
    }
    return response.submissionId;
  }

  /** The driver's state; {@link SubmissionNotFoundError} for an unknown id. */
  async status(
    submissionId: string,
    signal?: AbortSignal,
  ): Promise<SubmissionStatusResponse & { driverState: DriverState }> {
    const response = await this.call<SubmissionStatusResponse>(
      `/v1/submissions/status/${encodeURIComponent(submissionId)}`,
      { signal },
    );
    if (!response.success || !response.driverState)
      throw new SubmissionNotFoundError(submissionId, response.message);
    return response as SubmissionStatusResponse & { driverState: DriverState };
  }

  /** Asks the master to kill a driver; safe to repeat (a second kill finds it finished). */
  async kill(submissionId: string, signal?: AbortSignal): Promise<KillSubmissionResponse> {
    const response = await this.call<KillSubmissionResponse>(
      `/v1/submissions/kill/${encodeURIComponent(submissionId)}`,
      { method: 'POST', signal },
    );
    if (!response.success && /does not exist/.test(response.message ?? '')) {
      throw new SubmissionNotFoundError(submissionId, response.message);
    }
    return response;
  }

  /** Clears the master's completed drivers and applications (Spark 4). */
  async clear(signal?: AbortSignal): Promise<ClearResponse> {
    return this.call<ClearResponse>('/v1/submissions/clear', { method: 'POST', signal });
  }

  /** True when the master is ready to take submissions (Spark 4). */
  async readyz(signal?: AbortSignal): Promise<boolean> {
    const response = await this.call<ReadyzResponse>('/v1/submissions/readyz', {
      signal,
      acceptStatus: [503],
    });
    return response.success === true;
  }

  /**
   * Submits and waits for a terminal state, reporting each state change. Resolves on FINISHED;
   * throws {@link SparkJobFailedError} with the end of the driver's stderr on FAILED, ERROR or
   * KILLED, and {@link SparkTimeoutError} when `timeoutMs` passes first.
   */
  async submitAndWait(
    request: CreateSubmissionRequest,
    options: WaitOptions = {},
  ): Promise<FinishedSubmission> {
    const started = Date.now();
    const submissionId = await this.create(request, options.signal);
    options.onProgress?.('SUBMITTED', submissionId);
    return this.waitFor(submissionId, { ...options, startedAt: started });
  }

  /** Waits for a submitted driver to end; see {@link submitAndWait}. */
  async waitFor(
    submissionId: string,
    options: WaitOptions & { startedAt?: number } = {},
  ): Promise<FinishedSubmission> {
    const started = options.startedAt ?? Date.now();
    const timeoutMs = options.timeoutMs ?? 15 * 60_000;
    let last: DriverState | undefined;
    for (;;) {
      const status = await this.status(submissionId, options.signal);
      if (status.driverState !== last) {
        last = status.driverState;
        options.onProgress?.(last, submissionId);
      }
      if (TERMINAL_DRIVER_STATES.has(status.driverState)) {
        if (status.driverState === 'FINISHED') {
          return { submissionId, driverState: 'FINISHED', elapsedMs: Date.now() - started };
        }
        const log = await this.driverLog(submissionId).catch(() => undefined);
        throw new SparkJobFailedError(submissionId, status.driverState, log, status.message);
      }
      if (Date.now() - started > timeoutMs) {
        throw new SparkTimeoutError(
          `Spark driver ${submissionId} still ${last} after ${Math.round(timeoutMs / 1000)}s; it keeps running (kill it with kill('${submissionId}'))`,
        );
      }
      await sleep(options.pollMs ?? 1000);
    }
  }

  /**
   * Why a driver failed, from the end of its stdout and stderr as the web UI of the worker
   * that ran it serves them: the Python traceback when there is one.
   */
  async driverLog(submissionId: string, bytes = 64_000): Promise<string | undefined> {
    const master = await this.masterJson();
    const drivers = [...master.activedrivers, ...master.completeddrivers];
    const driver = drivers.find((d) => d.id === submissionId);
    const worker = master.workers.find((w) => w.id === driver?.worker);
    if (!worker) return undefined;
    // PySpark merges the Python process's stderr into the driver's stdout; Spark logs to stderr.
    const read = async (logType: 'stdout' | 'stderr') => {
      const url = `${worker.webuiaddress}/log?driverId=${encodeURIComponent(submissionId)}&logType=${logType}&byteLength=${bytes}`;
      const result = await requestJson(url, {
        timeoutMs: this.options.timeoutMs,
        retries: this.options.maxRetries,
      });
      return result.status === 200 ? result.text : '';
    };
    const [stdout, stderr] = await Promise.all([read('stdout'), read('stderr')]);
    return failureExcerpt(`${stderr}\n${stdout}`);
  }

  /** The master's JSON status page (workers, cores, memory, apps, drivers). */
  async masterJson(): Promise<MasterStatus> {
    let result;
    try {
      result = await requestJson(new URL('/json/', this.options.uiUrl).toString(), {
        timeoutMs: this.options.timeoutMs,
        retries: this.options.maxRetries,
      });
    } catch (error) {
      throw new SparkUnreachableError(
        `the Spark master UI at ${this.options.uiUrl} does not answer: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    if (result.status !== 200)
      throw new SparkError(
        `the Spark master UI answered HTTP ${result.status}`,
        result.text.slice(0, 500),
      );
    return result.json as MasterStatus;
  }

  private async call<T extends { action: string }>(
    path: string,
    options: Partial<HttpOptions> & { acceptStatus?: number[] } = {},
  ): Promise<T> {
    const url = new URL(path, this.options.restUrl).toString();
    let result;
    try {
      result = await requestJson(url, {
        timeoutMs: this.options.timeoutMs,
        retries: options.retries ?? this.options.maxRetries,
        ...(options.method ? { method: options.method } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(this.#restSecret ? { authorization: () => restAuthorization(this.#restSecret!) } : {}),
      });
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      // Is it the REST server or the whole master? The UI tells.
      const uiAnswers = await fetch(new URL('/json/', this.options.uiUrl), {
        signal: AbortSignal.timeout(3000),
      }).then(
        (r) => r.ok,
        () => false,
      );
      if (uiAnswers) {
        throw new SparkRestDisabledError(
          `the Spark master answers at ${this.options.uiUrl} but its REST submission server at ${this.options.restUrl} does not: set spark.master.rest.enabled=true (and spark.master.rest.port)`,
          undefined,
          { cause: error },
        );
      }
      throw new SparkUnreachableError(
        `the Spark master at ${this.options.restUrl} does not answer (${error.message}): is the platform up? npx nx run platform:up --only spark`,
        undefined,
        { cause: error },
      );
    }
    if (result.status === 401 || result.status === 403) {
      throw new SparkAuthenticationError(
        `the Spark REST server at ${this.options.restUrl} refused ${path} (HTTP ${result.status}): ` +
          (this.#restSecret
            ? 'its key is not the one this client signs with; reload spark.restSecret from the endpoints file (or DATAPARK_SPARK_REST_SECRET)'
            : 'it requires signed requests and this client has no key; create it with SparkRestClient.fromConfig(loadConfig()), or pass restSecret (DATAPARK_SPARK_REST_SECRET)'),
        result.text
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 200),
      );
    }
    const body = result.json as (T | ErrorResponse) | undefined;
    if (!body || typeof body !== 'object' || !('action' in body)) {
      throw new SparkError(
        `unexpected answer from ${url} (HTTP ${result.status})`,
        result.text.slice(0, 500),
      );
    }
    if (body.action === 'ErrorResponse') {
      const error = body as ErrorResponse;
      if (error.highestProtocolVersion) {
        throw new SparkProtocolVersionError(
          `the Spark REST server does not speak this protocol version; the highest it speaks is ${error.highestProtocolVersion}`,
          error.highestProtocolVersion,
          error.message,
        );
      }
      throw new SubmissionRejectedError(
        `the Spark REST server refused ${path}: ${(error.message ?? '').split('\n')[0]}`,
        error.message,
      );
    }
    if (
      result.status >= 400 &&
      !options.acceptStatus?.includes(result.status) &&
      !('success' in body)
    ) {
      throw new SparkError(`HTTP ${result.status} from ${url}`, result.text.slice(0, 500));
    }
    return body as T;
  }
}

/** The master's /json/ page. */
export interface MasterStatus {
  readonly url: string;
  readonly status: 'ALIVE' | 'STANDBY' | 'RECOVERING' | 'COMPLETING_RECOVERY' | string;
  readonly cores: number;
  readonly coresused: number;
  readonly memory: number;
  readonly memoryused: number;
  readonly workers: readonly {
    readonly id: string;
    readonly host: string;
    readonly port: number;
    readonly webuiaddress: string;
    readonly cores: number;
    readonly coresused: number;
    readonly memory: number;
    readonly memoryused: number;
    readonly state: string;
  }[];
  readonly activeapps: readonly SparkAppSummary[];
  readonly completedapps: readonly SparkAppSummary[];
  readonly activedrivers: readonly SparkDriverSummary[];
  readonly completeddrivers: readonly SparkDriverSummary[];
}

export interface SparkAppSummary {
  readonly id: string;
  readonly name: string;
  readonly cores: number;
  readonly state: string;
  readonly starttime: number;
  readonly duration: number;
}

export interface SparkDriverSummary {
  readonly id: string;
  readonly state: DriverState;
  readonly worker?: string;
  readonly mainclass?: string;
  readonly starttime?: string;
}

const LOG_LINE = /^\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;

/**
 * The part of a driver's stderr that says why it failed: the last Python traceback (up to the
 * next log line), else the last Java exception, else the last 20 lines.
 */
export function failureExcerpt(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  const start = lines.findLastIndex((l) => l.startsWith('Traceback (most recent call last)'));
  if (start >= 0) {
    const end = lines.findIndex((l, i) => i > start && LOG_LINE.test(l));
    return lines.slice(start, end < 0 ? undefined : end).join('\n');
  }
  const exception = lines.findLastIndex((l) =>
    /^(Exception in thread|\S+(Exception|Error): )/.test(l),
  );
  if (exception >= 0) return lines.slice(exception, exception + 15).join('\n');
  return lines.slice(-20).join('\n');
}
