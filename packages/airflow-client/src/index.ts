export { AirflowClient, type AirflowClientOptions } from './airflow-client.js';
export {
  AirflowClientError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestAbortedError,
  TimeoutError,
  UnprocessableEntityError,
  type ProblemDetail,
  type RequestInfo,
} from './core/errors.js';
export type { RequestOptions } from './core/http-client.js';
// Pages and the retry policy are the HTTP core's, shared with @datapark/spark-client.
export {
  DEFAULT_MAX_RETRIES,
  isRetryableStatus,
  isSafeToRepeat,
  Page,
  PagePromise,
  retryAfterMs,
  retryDelayMs,
} from '@datapark/http';
export { DEFAULT_PAGE_SIZE } from './resources/resource.js';
export { jwtExpiry } from './core/token-source.js';
export { DagRunFailedError, DagRunTimeoutError } from './dag-run-errors.js';
export { closestIds, DagNotFoundError, explainDagNotFound } from './dag-not-found.js';
export { unhealthyWithLastHeartbeat } from './health.js';
export type { FailedTaskLog } from './failed-task-logs.js';
export type { components, operations, paths } from './generated/airflow-api.js';
export type { Connections } from './resources/connections.js';
export type { DagRuns, TriggerOptions } from './resources/dag-runs.js';
export type { Dags } from './resources/dags.js';
export type { ImportErrors } from './resources/import-errors.js';
export { renderLog, type Logs, type TaskLogAddress } from './resources/logs.js';
export type { Monitor } from './resources/monitor.js';
export type { Pools } from './resources/pools.js';
export type { TaskInstances } from './resources/task-instances.js';
export type { Variables } from './resources/variables.js';
export type { Version } from './resources/version.js';
export type { XComAddress, XComs } from './resources/xcoms.js';
export type { FinishedDagRun, TriggerAndWaitOptions, WaitProgress } from './trigger-and-wait.js';
export * from './types.js';
