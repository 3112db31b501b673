import { pause } from '@datapark/http';
import {
  SparkJobFailedError,
  SparkTimeoutError,
  SubmissionNotFoundError,
  SubmissionRejectedError,
} from './errors.js';
import type { Master } from './master.js';
import type {
  ClearResponse,
  CreateSubmissionRequest,
  CreateSubmissionResponse,
  DriverState,
  KillSubmissionResponse,
  ReadyzResponse,
  SubmissionStatusResponse,
} from './protocol.js';
import { TERMINAL_DRIVER_STATES } from './protocol.js';
import { executorWaitingReason, waitingReason } from './cluster-capacity.js';
import type { RestServer } from './rest-server.js';
import { validateSparkProperties } from './validate-request.js';

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /**
   * Called whenever the driver state changes, and whenever the reason it waits changes: `detail`
   * says why a SUBMITTED driver does not start (`waiting for cores: 0 free, 1 requested`, from
   * the master's state), or why a RUNNING one's application has no executor yet.
   */
  readonly onProgress?: (state: DriverState, submissionId: string, detail?: string) => void;
  /** Stops the wait at once, between polls too; it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface FinishedSubmission {
  readonly submissionId: string;
  readonly driverState: 'FINISHED';
  readonly elapsedMs: number;
}

/** Drivers on the standalone master: `/v1/submissions/{create,status,kill,clear,readyz}`. */
export class Submissions {
  constructor(
    private readonly server: RestServer,
    private readonly master: Master,
  ) {}

  /**
   * Submits a driver. Validated first (spark.app.name, memory and core values). Never repeated
   * once it may have reached the master, since a repeat could start the job twice; only a
   * refused connection, which sent nothing, is tried again.
   */
  async create(request: CreateSubmissionRequest, signal?: AbortSignal): Promise<string> {
    validateSparkProperties(request.sparkProperties);
    const response = await this.server.call<CreateSubmissionResponse>('/v1/submissions/create', {
      method: 'POST',
      body: request,
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
    const response = await this.server.call<SubmissionStatusResponse>(
      `/v1/submissions/status/${encodeURIComponent(submissionId)}`,
      { signal },
    );
    if (!response.success || !response.driverState)
      throw new SubmissionNotFoundError(submissionId, response.message);
    return response as SubmissionStatusResponse & { driverState: DriverState };
  }

  /**
   * Asks the master to kill a driver; {@link SubmissionNotFoundError} when it has no such
   * driver running (unknown, or already ended).
   *
   * A POST, retried like a GET (marked idempotent) because killing is idempotent in effect: the
   * master passes the kill on only while the driver is active, and submission ids are never
   * reused, so a repeat can neither kill another driver nor do anything twice to this one
   * (Master.scala, `RequestKillDriver`). Only its answer can differ: when an earlier attempt's
   * kill took effect but its answer was lost (a 5xx, a reset connection) and the driver has
   * ended by the time the repeat arrives, the repeat hears "already finished or does not exist"
   * and this throws SubmissionNotFoundError, as for any driver that has ended. The driver is
   * gone either way, which is what a caller of kill wants.
   */
  async kill(submissionId: string, signal?: AbortSignal): Promise<KillSubmissionResponse> {
    const response = await this.server.call<KillSubmissionResponse>(
      `/v1/submissions/kill/${encodeURIComponent(submissionId)}`,
      { method: 'POST', idempotent: true, signal },
    );
    if (!response.success && /does not exist/.test(response.message ?? '')) {
      throw new SubmissionNotFoundError(submissionId, response.message);
    }
    return response;
  }

  /**
   * Clears the master's completed drivers and applications (Spark 4). A POST that is never
   * repeated once it may have reached the master: a repeat is not a no-op, it would also clear
   * what completed in between.
   */
  async clear(signal?: AbortSignal): Promise<ClearResponse> {
    return this.server.call<ClearResponse>('/v1/submissions/clear', { method: 'POST', signal });
  }

  /** True when the master is ready to take submissions (Spark 4). */
  async readyz(signal?: AbortSignal): Promise<boolean> {
    const response = await this.server.call<ReadyzResponse>('/v1/submissions/readyz', {
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
    return this.waitFor(submissionId, {
      ...options,
      startedAt: started,
      appName: request.sparkProperties['spark.app.name'],
    });
  }

  /** Waits for a submitted driver to end; see {@link submitAndWait}. */
  async waitFor(
    submissionId: string,
    options: WaitOptions & {
      startedAt?: number;
      /** The application's name (spark.app.name): says when it waits for an executor. */
      appName?: string | undefined;
    } = {},
  ): Promise<FinishedSubmission> {
    const started = options.startedAt ?? Date.now();
    const timeoutMs = options.timeoutMs ?? 15 * 60_000;
    let last: DriverState | undefined;
    let lastReason: string | undefined;
    for (;;) {
      const status = await this.status(submissionId, options.signal);
      const reason = await this.reasonItWaits(submissionId, status.driverState, options.appName);
      if (status.driverState !== last || reason !== lastReason) {
        last = status.driverState;
        lastReason = reason;
        options.onProgress?.(last, submissionId, ...(reason ? [reason] : []));
      }
      if (TERMINAL_DRIVER_STATES.has(status.driverState)) {
        if (status.driverState === 'FINISHED') {
          return { submissionId, driverState: 'FINISHED', elapsedMs: Date.now() - started };
        }
        const log = await this.master.driverLog(submissionId).catch(() => undefined);
        throw new SparkJobFailedError(submissionId, status.driverState, log, status.message);
      }
      if (Date.now() - started > timeoutMs) {
        throw new SparkTimeoutError(
          `Spark driver ${submissionId} still ${last}${lastReason ? ` (${lastReason})` : ''} after ${Math.round(timeoutMs / 1000)}s; it keeps running (kill it with kill('${submissionId}'))`,
        );
      }
      await pause(options.pollMs ?? 1000, options.signal).catch((error: unknown) => {
        throw options.signal?.reason ?? error;
      });
    }
  }

  /**
   * Why the driver is not getting on, from the master's state: SUBMITTED without a worker that
   * has room, or RUNNING with its application waiting for an executor. Undefined otherwise, and
   * when the master's page cannot be read (the wait does not depend on it).
   */
  private async reasonItWaits(
    submissionId: string,
    state: DriverState,
    appName: string | undefined,
  ): Promise<string | undefined> {
    if (state !== 'SUBMITTED' && !(state === 'RUNNING' && appName)) return undefined;
    const master = await this.master.status().catch(() => undefined);
    if (!master) return undefined;
    return state === 'SUBMITTED'
      ? waitingReason(master, submissionId)
      : executorWaitingReason(master, appName!);
  }
}
