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

/** The heap of a streaming job's driver (see where it is submitted). */
const STREAMING_DRIVER_MEMORY = '1g';

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

/** A streaming job of apps/spark-jobs/jobs that `stream start --job <id>` runs on the cluster. */
export interface StreamJob {
  /** What `--job` names it. */
  readonly id: string;
  /** Its name in `etl.job_runs` and the Spark application's. */
  readonly name: string;
  /** The job file, in apps/spark-jobs/jobs/. */
  readonly file: string;
  /** Its state file in `.datapark/etl/`, so two streaming jobs run side by side. */
  readonly stateFile: string;
  /** The checkpoint when `--checkpoint` is not given. */
  readonly defaultCheckpoint: (config: DataparkConfig) => string;
  readonly triggerSeconds: number;
  /** Whether it reports to StreamingJobNotRunning (datapark_streaming_* gauges). */
  readonly alerting: boolean;
}

/** Kafka → processed realtime metrics and sessions (PostgreSQL). */
export const METRICS_STREAM: StreamJob = {
  id: 'metrics',
  name: STREAM_JOB_NAME,
  file: 'streaming_metrics.py',
  stateFile: 'streaming.json',
  defaultCheckpoint: (config) => join(config.stateDir, 'spark', 'checkpoints', 'streaming-metrics'),
  triggerSeconds: 5,
  alerting: true,
};

/** Every event topic → the lake's bronze archive, `lake.bronze.kafka_events` (Iceberg). */
export const BRONZE_STREAM: StreamJob = {
  id: 'bronze',
  name: 'kafka_bronze',
  file: 'kafka_bronze.py',
  stateFile: 'streaming-bronze.json',
  // In the object store, through Hadoop's S3A: what the job itself defaults to
  // (datapark_jobs.kafka_archive.default_checkpoint).
  defaultCheckpoint: (config) =>
    `s3a://${new URL(config.lake.warehouse).host}/checkpoints/kafka-bronze`,
  triggerSeconds: 10,
  alerting: false,
};

export const STREAM_JOBS: Readonly<Record<string, StreamJob>> = {
  [METRICS_STREAM.id]: METRICS_STREAM,
  [BRONZE_STREAM.id]: BRONZE_STREAM,
};

/** The job `--job <id>` names, or an error listing the ones there are. */
export function streamJob(id: string): StreamJob {
  const job = STREAM_JOBS[id];
  if (!job)
    throw new EtlError(`no streaming job ${JSON.stringify(id)}`, {
      code: 'UNKNOWN_STREAM_JOB',
      hint: `--job ${Object.keys(STREAM_JOBS).join(' | ')}`,
    });
  return job;
}

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

export function streamStateFile(config: DataparkConfig, job: StreamJob = METRICS_STREAM): string {
  return join(config.stateDir, 'etl', job.stateFile);
}

export function readStreamState(
  config: DataparkConfig,
  job: StreamJob = METRICS_STREAM,
): StreamState | undefined {
  const file = streamStateFile(config, job);
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
  /** Default {@link METRICS_STREAM}. */
  readonly job?: StreamJob;
  /** Default the job's ({@link StreamJob.defaultCheckpoint}): keep it to resume where it stopped. */
  readonly checkpoint?: string;
  /** Where a fresh checkpoint starts (the job's --starting-offsets; default earliest). */
  readonly startingOffsets?: string;
  readonly triggerSeconds?: number;
  readonly onProgress?: (line: string) => void;
}

/**
 * Starts a streaming job of apps/spark-jobs/jobs on the cluster (by default streaming_metrics.py,
 * Kafka → processed realtime metrics) and waits until its driver runs; the submission id goes to
 * `etl.job_runs` (status running) and to the job's state file. Starting twice leaves the running
 * job alone.
 */
export async function startStream(
  options: StreamStartOptions,
): Promise<{ state: StreamState; alreadyRunning: boolean }> {
  const { config } = options;
  const job = options.job ?? METRICS_STREAM;
  const progress = options.onProgress ?? (() => undefined);
  const spark = SparkRestClient.fromConfig(config);
  const existing = readStreamState(config, job);
  if (existing && ACTIVE.has(await driverStateOf(spark, existing.submissionId)))
    return { state: existing, alreadyRunning: true };

  const checkpoint = options.checkpoint ?? job.defaultCheckpoint(config);
  const db = createDb(config, 'airflow', { max: 1 });
  try {
    const submissionId = await spark.create(
      spark.pythonRequest({
        file: sparkJobFile(job.file),
        name: job.name,
        args: [
          '--checkpoint',
          checkpoint,
          '--trigger-seconds',
          String(options.triggerSeconds ?? job.triggerSeconds),
          ...(options.startingOffsets ? ['--starting-offsets', options.startingOffsets] : []),
        ],
        env: { DATAPARK_STATE_DIR: config.stateDir, DATAPARK_ENDPOINTS_FILE: config.endpointsFile },
        // Runs for hours: C2's faster code pays its compiling back, unlike a short batch job's
        // (the platform's default, C1 only, is for those: DRIVER_JAVA_OPTIONS). And it keeps the
        // 1 GiB driver it has always run with, not the clients' 512m DRIVER_MEMORY: its driver
        // collects every micro-batch (up to maxOffsetsPerTrigger records a topic) and keeps
        // Spark's UI history for hours. The keeper DAG (datapark_streaming_keeper.py) does the same.
        conf: { ...TIERED_JIT_CONF, 'spark.driver.memory': STREAMING_DRIVER_MEMORY },
      }),
    );
    progress(`stream: submitted ${job.file} as ${submissionId}, checkpoint ${checkpoint}`);
    const runId = await startJobRun(db, {
      jobName: job.name,
      logicalDate: null,
      triggeredBy: `datapark-etl stream start --job ${job.id}`,
      details: { submissionId, checkpoint, mode: 'spark' },
    });
    const state: StreamState = {
      submissionId,
      runId,
      checkpoint,
      startedAt: new Date().toISOString(),
    };
    const stateFile = streamStateFile(config, job);
    mkdirSync(dirname(stateFile), { recursive: true });
    writeFileSync(stateFile, JSON.stringify(state, null, 2) + '\n');

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
        if (job.alerting) await reportStreamingExpected(config, true);
        return { state, alreadyRunning: false };
      }
      if (!ACTIVE.has(driverState)) {
        const log = await spark.driverLog(submissionId).catch(() => undefined);
        await finishJobRun(db, runId, { status: 'failed', details: { finalState: driverState } });
        rmSync(stateFile, { force: true });
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
  job: StreamJob = METRICS_STREAM,
): Promise<{ stopped?: StreamState; finalState?: string }> {
  const state = readStreamState(config, job);
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
  rmSync(streamStateFile(config, job), { force: true });
  if (job.alerting) await reportStreamingExpected(config, false);
  return { stopped: state, finalState };
}

/**
 * A streaming job's driver state, and for the metrics job the newest metrics it wrote (what the
 * bronze archive wrote: `lake.bronze.kafka_events`, from @datapark/lake or Spark).
 */
export async function streamStatus(
  config: DataparkConfig,
  job: StreamJob = METRICS_STREAM,
): Promise<StreamStatus> {
  const state = readStreamState(config, job);
  if (job !== METRICS_STREAM) {
    if (!state) return {};
    const driverState = await driverStateOf(SparkRestClient.fromConfig(config), state.submissionId);
    return { state, driverState };
  }
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
