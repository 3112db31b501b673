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
export { Page, PagePromise, DEFAULT_PAGE_SIZE } from './core/pagination.js';
export {
  DEFAULT_MAX_RETRIES,
  isRetryableStatus,
  isSafeToRepeat,
  retryAfterMs,
  retryDelayMs,
} from './core/retry.js';
export { jwtExpiry } from './core/token-source.js';
export { DagRunFailedError, DagRunTimeoutError } from './dag-run-errors.js';
export { unhealthyParts } from './health.js';
export type { FailedTaskLog } from './failed-task-logs.js';
export type { components, operations, paths } from './generated/airflow-api.js';
export type { Connections } from './resources/connections.js';
export type { DagRuns, TriggerOptions } from './resources/dag-runs.js';
export type { Dags } from './resources/dags.js';
export { renderLog, type Logs, type TaskLogAddress } from './resources/logs.js';
export type { Monitor } from './resources/monitor.js';
export type { Pools } from './resources/pools.js';
export type { TaskInstances } from './resources/task-instances.js';
export type { Variables } from './resources/variables.js';
export type { Version } from './resources/version.js';
export type { XComAddress, XComs } from './resources/xcoms.js';
export type { FinishedDagRun, TriggerAndWaitOptions, WaitProgress } from './trigger-and-wait.js';
export * from './types.js';
