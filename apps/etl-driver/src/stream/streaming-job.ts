import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataparkConfig } from '@datapark/config';
import { createDb } from '@datapark/db';
import type { DriverState } from '@datapark/spark-client';
import {
  SparkRestClient,
  SubmissionNotFoundError,
  TIERED_JIT_CONF,
  waitingReason,
} from '@datapark/spark-client';
import { sparkJobFile } from '../batch/batch-run.js';
import { finishJobRun, startJobRun } from '../runs/job-runs.js';
import { EtlError } from '../etl-error.js';
import { sendGauges } from '../metrics/statsd.js';

/**
 * Whether the streaming job should run, for StreamingJobNotRunning: 1 from `stream start` (with
 * the time as the last micro-batch's, a grace period), 0 from `stream stop`. The job itself sends
 * datapark_streaming_last_batch_timestamp_seconds after each micro-batch.
 */
async function reportStreamingExpected(config: DataparkConfig, running: boolean): Promise<void> {
  const labels = { query: STREAM_JOB_NAME };
  await sendGauges(config, [
    ...(running
      ? [
          {
            name: 'datapark_streaming_last_batch_timestamp_seconds',
            value: Math.round(Date.now() / 1000),
            labels,
          },
        ]
      : []),
    { name: 'datapark_streaming_running', value: running ? 1 : 0, labels },
  ]);
}

/** The job name streaming runs are recorded under in `etl.job_runs`. */
export const STREAM_JOB_NAME = 'streaming_metrics';

/** What `stream start` leaves behind for `stop` and `status`: `.datapark/etl/streaming.json`. */
export interface StreamState {
  readonly submissionId: string;
  readonly runId: string;
  readonly checkpoint: string;
  readonly startedAt: string;
}

export interface StreamStatus {
  /** Undefined when no streaming job was started (or it was stopped). */
  readonly state?: StreamState;
  /** The driver's state as the Spark master reports it. */
  readonly driverState?: DriverState | 'UNKNOWN';
  /** The newest window the job wrote to processed.realtime_order_metrics, and when. */
  readonly newestWindow?: { readonly windowStart: string; readonly updatedAt: string };
}

const ACTIVE: ReadonlySet<string> = new Set(['SUBMITTED', 'RUNNING', 'RELAUNCHING']);

export function streamStateFile(config: DataparkConfig): string {
  return join(config.stateDir, 'etl', 'streaming.json');
}

export function readStreamState(config: DataparkConfig): StreamState | undefined {
  const file = streamStateFile(config);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StreamState;
}

async function driverStateOf(spark: SparkRestClient, id: string): Promise<DriverState | 'UNKNOWN'> {
  try {
    return (await spark.status(id)).driverState ?? 'UNKNOWN';
  } catch (error) {
    // The master forgets drivers when it restarts: the job is not running any more.
    if (error instanceof SubmissionNotFoundError) return 'UNKNOWN';
    throw error;
  }
}

export interface StreamStartOptions {
  readonly config: DataparkConfig;
  /** Default `.datapark/spark/checkpoints/streaming-metrics`: keep it to resume where it stopped. */
  readonly checkpoint?: string;
  readonly triggerSeconds?: number;
  readonly onProgress?: (line: string) => void;
}

/**
 * Starts apps/spark-jobs/jobs/streaming_metrics.py on the cluster (Kafka → processed realtime
 * metrics) and waits until its driver runs; the submission id goes to `etl.job_runs` (status
 * running) and to the state file. Starting twice leaves the running job alone.
 */
export async function startStream(
  options: StreamStartOptions,
): Promise<{ state: StreamState; alreadyRunning: boolean }> {
  const { config } = options;
  const progress = options.onProgress ?? (() => undefined);
  const spark = SparkRestClient.fromConfig(config);
  const existing = readStreamState(config);
  if (existing && ACTIVE.has(await driverStateOf(spark, existing.submissionId)))
    return { state: existing, alreadyRunning: true };

  const checkpoint =
    options.checkpoint ?? join(config.stateDir, 'spark', 'checkpoints', 'streaming-metrics');
  const db = createDb(config, 'airflow', { max: 1 });
  try {
    const submissionId = await spark.create(
      spark.pythonRequest({
        file: sparkJobFile('streaming_metrics.py'),
        name: STREAM_JOB_NAME,
        args: [
          '--checkpoint',
          checkpoint,
          '--trigger-seconds',
          String(options.triggerSeconds ?? 5),
        ],
        env: { DATAPARK_STATE_DIR: config.stateDir, DATAPARK_ENDPOINTS_FILE: config.endpointsFile },
        // Runs for hours: C2's faster code pays its compiling back, unlike a short batch job's
        // (the platform's default, C1 only, is for those: DRIVER_JAVA_OPTIONS).
        conf: TIERED_JIT_CONF,
      }),
    );
    progress(`stream: submitted ${submissionId}, checkpoint ${checkpoint}`);
    const runId = await startJobRun(db, {
      jobName: STREAM_JOB_NAME,
      logicalDate: null,
      triggeredBy: 'datapark-etl stream start',
      details: { submissionId, checkpoint, mode: 'spark' },
    });
    const state: StreamState = {
      submissionId,
      runId,
      checkpoint,
      startedAt: new Date().toISOString(),
    };
    mkdirSync(dirname(streamStateFile(config)), { recursive: true });
    writeFileSync(streamStateFile(config), JSON.stringify(state, null, 2) + '\n');

    const started = Date.now();
    let last: string | undefined;
    let reason: string | undefined;
    for (;;) {
      const driverState = await driverStateOf(spark, submissionId);
      // Why it does not start, from the master: `waiting for cores: 0 free, 1 requested`.
      const why =
        driverState === 'SUBMITTED'
          ? await spark.master
              .status()
              .then((master) => waitingReason(master, submissionId))
              .catch(() => undefined)
          : undefined;
      if (driverState !== last || why !== reason)
        progress(
          `  ${driverState} (${((Date.now() - started) / 1000).toFixed(1)} s)${why ? `: ${why}` : ''}`,
        );
      last = driverState;
      reason = why;
      if (driverState === 'RUNNING') {
        await reportStreamingExpected(config, true);
        return { state, alreadyRunning: false };
      }
      if (!ACTIVE.has(driverState)) {
        const log = await spark.driverLog(submissionId).catch(() => undefined);
        await finishJobRun(db, runId, { status: 'failed', details: { finalState: driverState } });
        rmSync(streamStateFile(config), { force: true });
        throw new EtlError(
          `the streaming job ${submissionId} ended ${driverState} before running${log ? `:\n${log}` : ''}`,
          { code: 'STREAMING_JOB_ENDED', hint: 'the driver log above says why' },
        );
      }
      if (Date.now() - started > 180_000)
        throw new EtlError(
          `the streaming job ${submissionId} is still ${driverState} after 180 s: ${reason ?? 'are the Spark workers up?'}`,
          { code: 'STREAMING_JOB_NOT_RUNNING', hint: 'npx nx run platform:status' },
        );
      await sleep(1000);
    }
  } finally {
    await db.destroy();
  }
}

/** Kills the streaming job's driver, waits for it to end and closes its `etl.job_runs` row. */
export async function stopStream(
  config: DataparkConfig,
): Promise<{ stopped?: StreamState; finalState?: string }> {
  const state = readStreamState(config);
  if (!state) return {};
  const spark = SparkRestClient.fromConfig(config);
  let finalState = await driverStateOf(spark, state.submissionId);
  if (ACTIVE.has(finalState)) {
    await spark.kill(state.submissionId);
    const started = Date.now();
    while (ACTIVE.has(finalState) && Date.now() - started < 120_000) {
      await sleep(1000);
      finalState = await driverStateOf(spark, state.submissionId);
    }
  }
  const db = createDb(config, 'airflow', { max: 1 });
  try {
    await finishJobRun(db, state.runId, {
      // Stopped on request is how a streaming job is meant to end.
      status: finalState === 'KILLED' || finalState === 'FINISHED' ? 'success' : 'failed',
      details: { finalState, stoppedAt: new Date().toISOString() },
    });
  } finally {
    await db.destroy();
  }
  rmSync(streamStateFile(config), { force: true });
  await reportStreamingExpected(config, false);
  return { stopped: state, finalState };
}

/** The streaming job's driver state and the newest metrics it wrote. */
export async function streamStatus(config: DataparkConfig): Promise<StreamStatus> {
  const state = readStreamState(config);
  const db = createDb(config, 'analyst', { max: 1 });
  try {
    const newest = await db
      .selectFrom('processed.realtime_order_metrics')
      .select(['window_start', 'updated_at'])
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const newestWindow = newest
      ? {
          windowStart: newest.window_start.toISOString(),
          updatedAt: newest.updated_at.toISOString(),
        }
      : undefined;
    if (!state) return { ...(newestWindow ? { newestWindow } : {}) };
    const driverState = await driverStateOf(SparkRestClient.fromConfig(config), state.submissionId);
    return { state, driverState, ...(newestWindow ? { newestWindow } : {}) };
  } finally {
    await db.destroy();
  }
}
