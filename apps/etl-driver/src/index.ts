export {
  initializeOffsets,
  partitionKey,
  readStoredOffsets,
  resetOffsets,
  type PartitionKey,
} from './ingest/consumer-offsets.js';
export { formatProgress, type IngestProgress } from './ingest/ingest-progress.js';
export { landBatch, type BatchToLand, type LandResult } from './ingest/land-batch.js';
export {
  parseTopics,
  RAW_TABLE_OF,
  rawColumns,
  toRawRow,
  type RawTable,
} from './ingest/raw-tables.js';
export {
  DEFAULT_INGEST_GROUP,
  runIngest,
  type IngestOptions,
  type IngestSummary,
} from './ingest/run-ingest.js';
export { EtlError, usageError } from './etl-error.js';
export { ComponentUnreachableError, isConnectionError } from './platform/component-unreachable.js';
export { PLATFORM_UP, requireComponents, type Component } from './platform/require-components.js';
export {
  BATCH_JOB_NAME,
  runBatchDirect,
  sparkJobFile,
  type BatchRunOptions,
  type BatchRunResult,
} from './batch/batch-run.js';
export { QUALITY_CHECKS, type QualityCheck } from './quality/check-definitions.js';
export {
  describeResult,
  runQualityChecks,
  type CheckResult,
  type QualityOptions,
  type QualityRun,
} from './quality/run-quality-checks.js';
export { finishJobRun, parseLogicalDate, startJobRun, type JobRunStart } from './runs/job-runs.js';
export {
  buildReport,
  type GroupLag,
  type PlatformReport,
  type RunReport,
  type TopicReport,
} from './report/platform-report.js';
export {
  BRONZE_STREAM,
  METRICS_STREAM,
  readStreamState,
  startStream,
  stopStream,
  STREAM_JOB_NAME,
  STREAM_JOBS,
  streamJob,
  streamStateFile,
  streamStatus,
  type StreamJob,
  type StreamStartOptions,
  type StreamState,
  type StreamStatus,
} from './stream/streaming-job.js';
export {
  BATCH_DAG_ID,
  runBatchViaAirflow,
  type AirflowBatchOptions,
} from './batch/batch-run-airflow.js';
