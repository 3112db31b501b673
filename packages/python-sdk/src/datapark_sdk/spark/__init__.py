"""Spark's REST submission server: signed requests, safe retries, typed errors."""

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
    "rest_authorization",
]
