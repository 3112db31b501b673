"""Every error the Spark REST client raises, as @datapark/spark-client names them. Branch on
the class, never on the text."""

from __future__ import annotations


class SparkError(Exception):
    """Base of the Spark client's errors; ``server_message`` is what the server said, if anything."""

    def __init__(self, message: str, server_message: str | None = None):
        super().__init__(message)
        self.server_message = server_message


class SparkUnreachableError(SparkError):
    """Nothing answered: the master is down, the URL is wrong, or the request timed out."""


class SparkAuthenticationError(SparkError):
    """The REST server refused the request's signature (HTTP 401/403 from Spark's JWSFilter):
    no key, or not the master's."""


class SubmissionRejectedError(SparkError):
    """The REST server refused the request (a malformed submission, a server error)."""


class SubmissionNotFoundError(SparkError):
    """The master knows no submission with this id (it may have restarted and forgotten it)."""

    def __init__(self, submission_id: str, server_message: str | None = None):
        super().__init__(f"the Spark master knows no submission {submission_id}", server_message)
        self.submission_id = submission_id


class SparkJobFailedError(SparkError):
    """A driver ended FAILED, ERROR or KILLED."""

    def __init__(self, submission_id: str, driver_state: str, server_message: str | None = None):
        detail = f": {server_message}" if server_message else ""
        super().__init__(
            f"Spark driver {submission_id} ended {driver_state}{detail}; its log is in the worker's work "
            "directory and the history server",
            server_message,
        )
        self.submission_id = submission_id
        self.driver_state = driver_state


class SparkTimeoutError(SparkError):
    """``wait_for`` gave up waiting; the driver may still be running."""
