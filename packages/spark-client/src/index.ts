export {
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
export { executorWaitingReason, waitingReason } from './cluster-capacity.js';
export { failureExcerpt } from './failure-excerpt.js';
export {
  SparkHistoryClient,
  type HistoryApplication,
  type HistoryEnvironment,
  type HistoryExecutor,
  type HistoryJob,
  type HistoryStage,
} from './history.js';
export type { Master, MasterStatus, SparkAppSummary, SparkDriverSummary } from './master.js';
export * from './protocol.js';
export { restAuthorization } from './rest-auth.js';
export type { PythonSubmission } from './submission-requests.js';
export { DRIVER_JAVA_OPTIONS, DRIVER_MEMORY, TIERED_JIT_CONF } from './submission-requests.js';
export { SparkRestClient, type SparkRestClientOptions } from './spark-rest-client.js';
export type { FinishedSubmission, Submissions, WaitOptions } from './submissions.js';
export { validateSparkProperties } from './validate-request.js';
