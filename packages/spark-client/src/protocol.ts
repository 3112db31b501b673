// The REST submission protocol of Spark's standalone master, as its own classes define it
// (core/src/main/scala/org/apache/spark/deploy/rest/StandaloneRestServer.scala and
// SubmitRestProtocolRequest/Response.scala). Field names are the wire names.

/** org.apache.spark.deploy.master.DriverState, as the status response reports it. */
export const DRIVER_STATES = [
  'SUBMITTED',
  'RUNNING',
  'FINISHED',
  'RELAUNCHING',
  'UNKNOWN',
  'KILLED',
  'FAILED',
  'ERROR',
] as const;
export type DriverState = (typeof DRIVER_STATES)[number];
export const TERMINAL_DRIVER_STATES: ReadonlySet<DriverState> = new Set([
  'FINISHED',
  'KILLED',
  'FAILED',
  'ERROR',
]);

export interface CreateSubmissionRequest {
  readonly action: 'CreateSubmissionRequest';
  readonly appResource: string;
  readonly mainClass: string;
  readonly appArgs: readonly string[];
  readonly clientSparkVersion: string;
  readonly sparkProperties: Readonly<Record<string, string>>;
  readonly environmentVariables: Readonly<Record<string, string>>;
}

interface ResponseBase {
  readonly serverSparkVersion: string;
  readonly message?: string;
  readonly success?: boolean;
}

export interface CreateSubmissionResponse extends ResponseBase {
  readonly action: 'CreateSubmissionResponse';
  readonly submissionId?: string;
}

export interface SubmissionStatusResponse extends ResponseBase {
  readonly action: 'SubmissionStatusResponse';
  readonly submissionId: string;
  /** Absent when the master does not know the submission. */
  readonly driverState?: DriverState;
  readonly workerId?: string;
  readonly workerHostPort?: string;
}

export interface KillSubmissionResponse extends ResponseBase {
  readonly action: 'KillSubmissionResponse';
  readonly submissionId: string;
}

export interface ClearResponse extends ResponseBase {
  readonly action: 'ClearResponse';
}

export interface ReadyzResponse extends ResponseBase {
  readonly action: 'ReadyzResponse';
}

export interface ErrorResponse extends ResponseBase {
  readonly action: 'ErrorResponse';
  /** Sent when the request named a protocol version the server does not speak. */
  readonly highestProtocolVersion?: string;
}

export type RestResponse =
  | CreateSubmissionResponse
  | SubmissionStatusResponse
  | KillSubmissionResponse
  | ClearResponse
  | ReadyzResponse
  | ErrorResponse;
