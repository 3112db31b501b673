import type { DataparkConfig } from '@datapark/config';
import { DEFAULT_MAX_RETRIES } from '@datapark/http';
import { AirflowClientError } from './core/errors.js';
import type { RequestOptions } from './core/http-client.js';
import { HttpClient } from './core/http-client.js';
import { TokenSource } from './core/token-source.js';
import type { FailedTaskLog } from './failed-task-logs.js';
import { failedTaskLogs } from './failed-task-logs.js';
import type { components as AuthComponents } from './generated/simple-auth-api.js';
import { Connections } from './resources/connections.js';
import { DagRuns } from './resources/dag-runs.js';
import { Dags } from './resources/dags.js';
import { ImportErrors } from './resources/import-errors.js';
import { Logs } from './resources/logs.js';
import { Monitor } from './resources/monitor.js';
import { Pools } from './resources/pools.js';
import { TaskInstances } from './resources/task-instances.js';
import { Variables } from './resources/variables.js';
import { Version } from './resources/version.js';
import { XComs } from './resources/xcoms.js';
import type { FinishedDagRun, TriggerAndWaitOptions } from './trigger-and-wait.js';
import { triggerAndWait } from './trigger-and-wait.js';

export interface AirflowClientOptions {
  /** The api-server, e.g. http://127.0.0.1:18280. */
  readonly baseUrl: string;
  /** User and password for `POST /auth/token` (the simple auth manager's users). */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** A token issued elsewhere; then no user and password are needed (and none renews it). */
  readonly token?: string | undefined;
  /** Per attempt; default 30 s. */
  readonly timeoutMs?: number;
  /** Retries of calls safe to repeat; default 2. */
  readonly maxRetries?: number;
}

/**
 * The Airflow 3 REST API (v2), typed from the spec that ships with the pinned Airflow.
 * Resources are properties; lists are async iterators; errors are {@link ApiError} subclasses.
 *
 * @example
 * ```ts
 * import { loadConfig } from '@datapark/config';
 * import { AirflowClient } from '@datapark/airflow-client';
 *
 * const airflow = AirflowClient.fromConfig(loadConfig());
 * const { dagRun } = await airflow.triggerAndWait('datapark_batch_etl', {
 *   conf: { date: '2026-11-01' },
 *   onProgress: (p) => p.kind === 'progress' && console.log(p.dagRun.state),
 * });
 * for await (const ti of airflow.taskInstances.list('datapark_batch_etl', dagRun.dag_run_id)) {
 *   console.log(ti.task_id, ti.state, ti.duration);
 * }
 * ```
 */
export class AirflowClient {
  readonly dags: Dags;
  /** DAG files that failed to import. */
  readonly importErrors: ImportErrors;
  readonly dagRuns: DagRuns;
  readonly taskInstances: TaskInstances;
  /** Task logs. */
  readonly logs: Logs;
  readonly variables: Variables;
  readonly connections: Connections;
  readonly pools: Pools;
  readonly xcoms: XComs;
  /** Health. */
  readonly monitor: Monitor;
  readonly version: Version;
  readonly baseUrl: string;
  private readonly http: HttpClient;

  constructor(options: AirflowClientOptions) {
    const tokens = new TokenSource(() => this.createToken(options));
    this.http = new HttpClient({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
      tokens,
    });
    this.baseUrl = this.http.baseUrl;
    this.dags = new Dags(this.http);
    this.importErrors = new ImportErrors(this.http);
    this.dagRuns = new DagRuns(this.http);
    this.taskInstances = new TaskInstances(this.http);
    this.logs = new Logs(this.http);
    this.variables = new Variables(this.http);
    this.connections = new Connections(this.http);
    this.pools = new Pools(this.http);
    this.xcoms = new XComs(this.http);
    this.monitor = new Monitor(this.http);
    this.version = new Version(this.http);
  }

  /**
   * The platform's api-server and credentials, from `@datapark/config` (endpoints file,
   * `DATAPARK_AIRFLOW_*` variables, or explicit overrides).
   */
  static fromConfig(
    config: DataparkConfig,
    options: Partial<AirflowClientOptions> = {},
  ): AirflowClient {
    return new AirflowClient({
      baseUrl: config.airflow.url,
      username: config.airflow.username,
      password: config.airflow.password,
      ...options,
    });
  }

  /**
   * Unpauses the DAG, triggers a run and waits for it to end, reporting each change through
   * `onProgress`. Resolves with the run and its task instances on `success`; throws
   * {@link DagRunFailedError} (with the failed tasks' logs) on `failed` and
   * {@link DagRunTimeoutError} after `timeoutMs`; a DAG id Airflow does not know,
   * {@link DagNotFoundError} with the closest ids and the DAG files that fail to import. An
   * api-server that goes away while it waits
   * (a restart) only delays it: connection errors and 5xx are reported and polled through.
   *
   * @example
   * ```ts
   * const done = await airflow.triggerAndWait('client_test_ok', { conf: { rows: 10 }, timeoutMs: 120_000 });
   * done.dagRun.state; // 'success'
   * ```
   */
  triggerAndWait(dagId: string, options?: TriggerAndWaitOptions): Promise<FinishedDagRun> {
    return triggerAndWait(this, dagId, options);
  }

  /**
   * The log of the last attempt of every failed task instance of a run.
   *
   * @example
   * ```ts
   * for (const { taskInstance, log } of await airflow.failedTaskLogs(dagId, runId)) console.log(taskInstance.task_id, log);
   * ```
   */
  failedTaskLogs(
    dagId: string,
    dagRunId: string,
    options?: RequestOptions,
  ): Promise<FailedTaskLog[]> {
    return failedTaskLogs(this, dagId, dagRunId, options);
  }

  private async createToken(options: AirflowClientOptions): Promise<string> {
    if (options.token) return options.token;
    if (!options.password) {
      throw new AirflowClientError(
        `no Airflow password for user ${options.username ?? '(none)'}: start the platform's Airflow ` +
          '(node apps/datapark-cli/dist/cli.js up --only airflow), which writes it to the endpoints file, or set DATAPARK_AIRFLOW_PASSWORD',
      );
    }
    const body: AuthComponents['schemas']['LoginBody'] = {
      username: options.username ?? 'admin',
      password: options.password,
    };
    // Issuing a token changes nothing on the server, so it is safe to retry like a GET.
    const response = await this.http.request<AuthComponents['schemas']['LoginResponse']>({
      method: 'POST',
      path: '/auth/token',
      body,
      authenticate: false,
      idempotent: true,
      secrets: [options.password],
    });
    return response.access_token;
  }
}
