import type { HttpErrorDetails } from '@datapark/http';
import { HttpError } from '@datapark/http';

/**
 * Base of every error the Spark client raises. Branch on the subclass, never on the text. It is
 * an {@link HttpError} of `@datapark/http`, as every Data Park SDK's errors are: `status`,
 * `request` and `body` are set when the error is about an HTTP answer (a refused signature, a
 * refused submission), `code` and `cause` when no answer came.
 */
export class SparkError extends HttpError {
  override readonly name: string = 'SparkError';
  constructor(
    message: string,
    /** What the server said, when it said something. */
    readonly serverMessage?: string,
    details?: HttpErrorDetails,
  ) {
    super(message, details);
  }
}

/** Nothing answered: the master is down or the URL is wrong. */
export class SparkUnreachableError extends SparkError {
  override readonly name = 'SparkUnreachableError';
}

/** The master answers, but its REST submission server does not (spark.master.rest.enabled). */
export class SparkRestDisabledError extends SparkError {
  override readonly name = 'SparkRestDisabledError';
}

/** The server does not speak the protocol version asked for; it says which it does. */
export class SparkProtocolVersionError extends SparkError {
  override readonly name = 'SparkProtocolVersionError';
  constructor(
    message: string,
    readonly highestProtocolVersion: string | undefined,
    serverMessage?: string,
    details?: HttpErrorDetails,
  ) {
    super(message, serverMessage, details);
  }
}

/**
 * The REST submission server refused the request's signature (HTTP 403 from Spark's JWSFilter):
 * no key, or not the master's.
 */
export class SparkAuthenticationError extends SparkError {
  override readonly name = 'SparkAuthenticationError';
}

/** The master knows no submission with this id. */
export class SubmissionNotFoundError extends SparkError {
  override readonly name = 'SubmissionNotFoundError';
  constructor(
    readonly submissionId: string,
    serverMessage?: string,
    details?: HttpErrorDetails,
  ) {
    super(`the Spark master knows no submission ${submissionId}`, serverMessage, details);
  }
}

/** The request was refused, by our validation before sending or by the server. */
export class SubmissionRejectedError extends SparkError {
  override readonly name = 'SubmissionRejectedError';
}

/** A driver ended in FAILED, ERROR or KILLED; `driverLog` holds the end of its stderr. */
export class SparkJobFailedError extends SparkError {
  override readonly name = 'SparkJobFailedError';
  constructor(
    readonly submissionId: string,
    readonly driverState: string,
    readonly driverLog: string | undefined,
    serverMessage?: string,
  ) {
    const tail = driverLog ? `\n--- end of the driver's stderr ---\n${driverLog}` : '';
    super(
      `Spark driver ${submissionId} ended ${driverState}${serverMessage ? `: ${serverMessage}` : ''}${tail}`,
      serverMessage,
    );
  }
}

/** submitAndWait gave up waiting; the driver may still be running. */
export class SparkTimeoutError extends SparkError {
  override readonly name = 'SparkTimeoutError';
}
