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
export { backoffMs } from './http.js';
export { restAuthorization } from './rest-auth.js';
export * from './protocol.js';
export {
  SparkHistoryClient,
  type HistoryApplication,
  type HistoryExecutor,
  type HistoryJob,
  type HistoryStage,
} from './spark-history-client.js';
export {
  failureExcerpt,
  SparkRestClient,
  type FinishedSubmission,
  type MasterStatus,
  type PythonSubmission,
  type SparkAppSummary,
  type SparkDriverSummary,
  type SparkRestClientOptions,
  type WaitOptions,
} from './spark-rest-client.js';
export { validateSparkProperties } from './validate-request.js';
