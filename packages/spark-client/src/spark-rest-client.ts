import type { DataparkConfig } from '@datapark/config';
import { DEFAULT_MAX_RETRIES } from '@datapark/http';
import type { MasterStatus } from './master.js';
import { Master } from './master.js';
import type {
  ClearResponse,
  CreateSubmissionRequest,
  DriverState,
  KillSubmissionResponse,
  SubmissionStatusResponse,
} from './protocol.js';
import { RestServer } from './rest-server.js';
import type { ClusterSettings, PythonSubmission } from './submission-requests.js';
import { pythonRequest, sqlRequest } from './submission-requests.js';
import type { FinishedSubmission, WaitOptions } from './submissions.js';
import { Submissions } from './submissions.js';

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
  /** Per attempt; default 30 s. */
  readonly timeoutMs?: number;
  /**
   * Retries for calls safe to repeat (status, readyz, kill, the master's pages); default 2.
   * create and clear are never repeated once they may have reached the master.
   */
  readonly maxRetries?: number;
  /** The Spark version we claim to be (clientSparkVersion); the server checks nothing more. */
  readonly clientSparkVersion?: string;
  /**
   * A directory of jars for every driver's and executor's classpath. A driver the REST server
   * starts does not read the cluster's spark-defaults.conf, so the client passes them along.
   */
  readonly connectorJars?: string | undefined;
}

/**
 * Spark's REST submission protocol (the standalone master's port 6066 server), typed. The
 * resources are properties (`submissions`, `master`); the methods here are the same calls,
 * kept for the callers that use them.
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
  /** Drivers: create, status, kill, clear, readyz, waitFor, submitAndWait. */
  readonly submissions: Submissions;
  /** The master's web UI: cluster status and driver logs. */
  readonly master: Master;

  constructor(options: SparkRestClientOptions) {
    // The key goes to the REST server's private field only, so logging or inspecting the
    // client never shows it.
    const { restSecret, ...rest } = options;
    this.options = {
      timeoutMs: 30_000,
      maxRetries: DEFAULT_MAX_RETRIES,
      clientSparkVersion: '4.1.1',
      connectorJars: undefined,
      ...rest,
    };
    const { restUrl, uiUrl, timeoutMs, maxRetries } = this.options;
    this.master = new Master({ uiUrl, timeoutMs, maxRetries });
    this.submissions = new Submissions(
      new RestServer({ restUrl, uiUrl, timeoutMs, maxRetries }, restSecret),
      this.master,
    );
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
    return pythonRequest(submission, this.cluster());
  }

  /**
   * A request that runs the statements of a SQL file, through a small PySpark runner shipped
   * with this package (python/run_sql.py).
   */
  sqlRequest(
    submission: Omit<PythonSubmission, 'file' | 'args'> & { readonly sqlFile: string },
  ): CreateSubmissionRequest {
    return sqlRequest(submission, this.cluster());
  }

  /** {@link Submissions.create}: submits a driver, never twice. */
  create(request: CreateSubmissionRequest, signal?: AbortSignal): Promise<string> {
    return this.submissions.create(request, signal);
  }

  /** {@link Submissions.status}: the driver's state. */
  status(
    submissionId: string,
    signal?: AbortSignal,
  ): Promise<SubmissionStatusResponse & { driverState: DriverState }> {
    return this.submissions.status(submissionId, signal);
  }

  /** {@link Submissions.kill}: asks the master to kill a driver. */
  kill(submissionId: string, signal?: AbortSignal): Promise<KillSubmissionResponse> {
    return this.submissions.kill(submissionId, signal);
  }

  /** {@link Submissions.clear}: clears the master's completed drivers and applications. */
  clear(signal?: AbortSignal): Promise<ClearResponse> {
    return this.submissions.clear(signal);
  }

  /** {@link Submissions.readyz}: true when the master takes submissions. */
  readyz(signal?: AbortSignal): Promise<boolean> {
    return this.submissions.readyz(signal);
  }

  /** {@link Submissions.submitAndWait}: submits and waits for FINISHED. */
  submitAndWait(
    request: CreateSubmissionRequest,
    options?: WaitOptions,
  ): Promise<FinishedSubmission> {
    return this.submissions.submitAndWait(request, options);
  }

  /** {@link Submissions.waitFor}: waits for a submitted driver to end. */
  waitFor(
    submissionId: string,
    options?: WaitOptions & { startedAt?: number; appName?: string },
  ): Promise<FinishedSubmission> {
    return this.submissions.waitFor(submissionId, options);
  }

  /** {@link Master.driverLog}: why a driver failed, from its worker's log pages. */
  driverLog(submissionId: string, bytes?: number): Promise<string | undefined> {
    return this.master.driverLog(submissionId, bytes);
  }

  /** {@link Master.driverOutput}: a driver's whole stdout and stderr, however it ended. */
  driverOutput(
    submissionId: string,
    bytes?: number,
  ): Promise<{ readonly stdout: string; readonly stderr: string } | undefined> {
    return this.master.driverOutput(submissionId, bytes);
  }

  /** {@link Master.status}: the master's JSON status page. */
  masterJson(): Promise<MasterStatus> {
    return this.master.status();
  }

  private cluster(): ClusterSettings {
    const { masterUrl, clientSparkVersion, connectorJars } = this.options;
    return { masterUrl, clientSparkVersion, connectorJars };
  }
}
