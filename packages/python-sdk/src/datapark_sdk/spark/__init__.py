"""Spark's REST submission server: signed requests, safe retries, typed errors; and the scrape
target that makes Prometheus watch a running application."""

from .errors import (
    SparkAuthenticationError,
    SparkError,
    SparkJobFailedError,
    SparkTimeoutError,
    SparkUnreachableError,
    SubmissionNotFoundError,
    SubmissionRejectedError,
)
from .rest_auth import rest_authorization
from .rest_client import ACTIVE_STATES, FAILED_STATES, TERMINAL_STATES, SparkRestClient
from .scrape_target import announce_to_prometheus

__all__ = [
    "ACTIVE_STATES",
    "FAILED_STATES",
    "TERMINAL_STATES",
    "SparkAuthenticationError",
    "SparkError",
    "SparkJobFailedError",
    "SparkRestClient",
    "SparkTimeoutError",
    "SparkUnreachableError",
    "SubmissionNotFoundError",
    "SubmissionRejectedError",
    "announce_to_prometheus",
    "rest_authorization",
]
