import type { DataparkConfig } from '@datapark/config';
import { HttpConnectionError, httpRequest, HttpStatusError } from '@datapark/http';
import { SparkError, SparkUnreachableError } from './errors.js';

// The history server's REST API (/api/v1), the shapes documented in Spark's monitoring guide.

export interface HistoryApplication {
  readonly id: string;
  readonly name: string;
  readonly attempts: readonly {
    readonly startTime: string;
    readonly endTime: string;
    readonly duration: number;
    readonly sparkUser: string;
    readonly completed: boolean;
  }[];
}

export interface HistoryJob {
  readonly jobId: number;
  readonly name: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN';
  readonly numTasks: number;
  readonly numCompletedTasks: number;
  readonly numFailedTasks: number;
  readonly stageIds: readonly number[];
}

export interface HistoryStage {
  readonly stageId: number;
  readonly attemptId: number;
  readonly name: string;
  readonly status: string;
  readonly numTasks: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly executorRunTime: number;
}

export interface HistoryExecutor {
  readonly id: string;
  readonly hostPort: string;
  readonly totalCores: number;
  readonly totalTasks: number;
  readonly totalDuration: number;
  readonly maxMemory: number;
}

export interface HistoryEnvironment {
  /** `[key, value]` pairs. */
  readonly sparkProperties: readonly (readonly [string, string])[];
  readonly systemProperties: readonly (readonly [string, string])[];
}

/**
 * The Spark history server: finished (and running) applications from the event logs.
 *
 * @example
 * ```ts
 * const history = SparkHistoryClient.fromConfig(loadConfig());
 * const [latest] = await history.applications({ limit: 1 });
 * const jobs = await history.jobs(latest.id);
 * ```
 */
export class SparkHistoryClient {
  constructor(
    readonly historyUrl: string,
    private readonly timeoutMs = 15_000,
  ) {}

  static fromConfig(config: DataparkConfig): SparkHistoryClient {
    return new SparkHistoryClient(config.spark.historyUrl);
  }

  async version(): Promise<string> {
    return (await this.get<{ spark: string }>('/api/v1/version')).spark;
  }

  /** Newest first. */
  async applications(
    options: { limit?: number; status?: 'completed' | 'running' } = {},
  ): Promise<HistoryApplication[]> {
    const query = new URLSearchParams();
    if (options.limit) query.set('limit', String(options.limit));
    if (options.status) query.set('status', options.status);
    return this.get(`/api/v1/applications${query.size ? `?${query}` : ''}`);
  }

  async jobs(appId: string): Promise<HistoryJob[]> {
    return this.get(`/api/v1/applications/${encodeURIComponent(appId)}/jobs`);
  }

  async stages(appId: string): Promise<HistoryStage[]> {
    return this.get(`/api/v1/applications/${encodeURIComponent(appId)}/stages`);
  }

  async executors(appId: string): Promise<HistoryExecutor[]> {
    return this.get(`/api/v1/applications/${encodeURIComponent(appId)}/allexecutors`);
  }

  /**
   * The application's environment as the UI shows it: Spark properties (values whose key matches
   * `spark.redaction.regex` read `*********(redacted)`), system properties, the classpath.
   */
  async environment(appId: string): Promise<HistoryEnvironment> {
    return this.get(`/api/v1/applications/${encodeURIComponent(appId)}/environment`);
  }

  private async get<T>(path: string): Promise<T> {
    const url = new URL(path, this.historyUrl).toString();
    try {
      const { json } = await httpRequest({ method: 'GET', url, timeoutMs: this.timeoutMs });
      return json as T;
    } catch (error) {
      if (error instanceof HttpStatusError) {
        throw new SparkError(`HTTP ${error.status} from ${url}`, error.body?.slice(0, 500), {
          status: error.status,
          request: error.request,
          body: error.body,
        });
      }
      if (error instanceof HttpConnectionError) {
        throw new SparkUnreachableError(
          `the Spark history server at ${this.historyUrl} does not answer: ${error.message}`,
          undefined,
          { request: error.request, code: error.code, cause: error },
        );
      }
      throw error;
    }
  }
}
