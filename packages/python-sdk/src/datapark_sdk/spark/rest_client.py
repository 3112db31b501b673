"""Spark's REST submission protocol (the standalone master's port 6066 server), spoken as
@datapark/spark-client speaks it: the same requests, signatures, retries and errors."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from ..config import DataparkConfig, load_config
from .errors import (
    SparkAuthenticationError,
    SparkError,
    SparkJobFailedError,
    SparkTimeoutError,
    SparkUnreachableError,
    SubmissionNotFoundError,
    SubmissionRejectedError,
)
from .http import NetworkError, request_json
from .rest_auth import rest_authorization

#: org.apache.spark.deploy.master.DriverState values, grouped by what a caller does with them.
ACTIVE_STATES = frozenset({"SUBMITTED", "RUNNING", "RELAUNCHING"})
FAILED_STATES = frozenset({"KILLED", "FAILED", "ERROR"})
TERMINAL_STATES = FAILED_STATES | {"FINISHED"}
# Every driver a request starts runs C1 only: our jobs are short and two shared cores cannot
# spare C2's background compiling (issue 16: submit to first job done 37-45 s -> 12-22 s on a
# busy machine). The same value as @datapark/spark-client's DRIVER_JAVA_OPTIONS; a long-running
# job (the streaming job) or a CPU-bound one sets its own in `conf`.
DRIVER_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1"
# Every driver's heap: the REST server sizes a driver from the request's spark.driver.memory only,
# else 1024 MiB, never from spark-defaults.conf (512m). @datapark/spark-client's DRIVER_MEMORY.
DRIVER_MEMORY = "512m"


class SparkRestClient:
    """Submits, watches and kills Spark drivers through the master's REST submission server.

    Every request is signed with the master's key (``spark.restSecret`` in the endpoints file).
    Status and kill are retried after a network error or a 5xx (twice by default, 0.5 s doubling
    backoff); a submission never is, since a repeat could start the job twice.

    >>> spark = SparkRestClient.from_config()
    >>> request = spark.python_request(file="/abs/job.py", name="my-job", args=["--date", "2026-11-01"])
    >>> submission_id = spark.create(request)
    >>> spark.wait_for(submission_id, on_progress=print)
    'FINISHED'
    """

    def __init__(
        self,
        rest_url: str,
        master_url: str,
        *,
        rest_secret: str | None = None,
        connector_jars: str | None = None,
        timeout_s: float = 30.0,
        max_retries: int = 2,
        client_spark_version: str = "4.1.1",
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.rest_url = rest_url.rstrip("/")
        self.master_url = master_url
        self.connector_jars = connector_jars
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.client_spark_version = client_spark_version
        self._rest_secret = rest_secret
        self._sleep = sleep

    @classmethod
    def from_config(cls, config: DataparkConfig | None = None, **options: Any) -> SparkRestClient:
        """A client for the platform that ``config`` (default: :func:`load_config`) describes."""
        config = config or load_config()
        return cls(
            **{
                "rest_url": config.spark.rest_url,
                "master_url": config.spark.master_url,
                "rest_secret": config.spark.rest_secret,
                "connector_jars": config.spark.connector_jars,
                **options,
            }
        )

    def __repr__(self) -> str:
        # The key stays out of every printed form of the client.
        signed = "signed" if self._rest_secret else "unsigned"
        return f"SparkRestClient({self.rest_url!r}, {self.master_url!r}, {signed})"

    def python_request(
        self,
        *,
        file: str,
        name: str,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        conf: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The CreateSubmissionRequest of a PySpark script, in Spark's documented REST form:
        main class SparkSubmit with the script in appArgs, run in client mode on a worker. The
        connector jars go on the driver's and executors' classpath, since a driver the REST
        server starts does not read the cluster's spark-defaults.conf. The driver's JVM runs C1
        only (DRIVER_JAVA_OPTIONS) with a 512m heap (DRIVER_MEMORY), as @datapark/spark-client's
        pythonRequest starts it; a job's `conf` replaces either."""
        properties: dict[str, str] = {}
        if self.connector_jars:
            properties["spark.driver.extraClassPath"] = f"{self.connector_jars}/*"
            properties["spark.executor.extraClassPath"] = f"{self.connector_jars}/*"
        properties.update(
            {
                "spark.driver.extraJavaOptions": DRIVER_JAVA_OPTIONS,
                "spark.driver.memory": DRIVER_MEMORY,
                "spark.app.name": name,
                "spark.master": self.master_url,
                "spark.submit.deployMode": "client",
                **(conf or {}),
            }
        )
        return {
            "action": "CreateSubmissionRequest",
            "appResource": file,
            "mainClass": "org.apache.spark.deploy.SparkSubmit",
            "appArgs": [file, *args],
            "clientSparkVersion": self.client_spark_version,
            "sparkProperties": properties,
            "environmentVariables": {"SPARK_ENV_LOADED": "1", **(env or {})},
        }

    def create(self, request: Mapping[str, Any]) -> str:
        """Submits a driver and returns its submission id. Never retried: a repeat after a lost
        answer could start the job twice."""
        body = self._call("/v1/submissions/create", method="POST", body=request, retries=0)
        if not body.get("success") or not body.get("submissionId"):
            name = request.get("sparkProperties", {}).get("spark.app.name")
            reason = body.get("message") or "no reason given"
            raise SubmissionRejectedError(
                f"the Spark master refused the submission of {name}: {reason}", body.get("message")
            )
        return str(body["submissionId"])

    def status(self, submission_id: str) -> dict[str, Any]:
        """The driver's status document; ``driverState`` is always there.
        :class:`SubmissionNotFoundError` for an id the master does not know."""
        body = self._call(f"/v1/submissions/status/{quote(submission_id, safe='')}")
        if not body.get("success") or not body.get("driverState"):
            raise SubmissionNotFoundError(submission_id, body.get("message"))
        return body

    def kill(self, submission_id: str) -> dict[str, Any]:
        """Asks the master to kill a driver. Safe to repeat: a second kill changes nothing (the
        master answers that the driver "has already finished or does not exist", raised as
        :class:`SubmissionNotFoundError`)."""
        body = self._call(f"/v1/submissions/kill/{quote(submission_id, safe='')}", method="POST")
        if not body.get("success") and "does not exist" in (body.get("message") or ""):
            raise SubmissionNotFoundError(submission_id, body.get("message"))
        return body

    def wait_for(
        self,
        submission_id: str,
        *,
        timeout_s: float = 15 * 60,
        poll_s: float = 1.0,
        on_progress: Callable[[str, str], None] | None = None,
    ) -> str:
        """Waits for a driver to end, calling ``on_progress(state, submission_id)`` on every
        change. Returns ``"FINISHED"``; raises :class:`SparkJobFailedError` on FAILED, ERROR or
        KILLED, and :class:`SparkTimeoutError` when ``timeout_s`` passes first."""
        started = time.monotonic()
        last = None
        while True:
            status = self.status(submission_id)
            state = str(status["driverState"])
            if state != last:
                last = state
                if on_progress:
                    on_progress(state, submission_id)
            if state == "FINISHED":
                return state
            if state in TERMINAL_STATES:
                raise SparkJobFailedError(submission_id, state, status.get("message"))
            if time.monotonic() - started > timeout_s:
                raise SparkTimeoutError(
                    f"Spark driver {submission_id} still {state} after {round(timeout_s)}s; it keeps "
                    f"running (kill it with kill({submission_id!r}))"
                )
            self._sleep(poll_s)

    def submit_and_wait(self, request: Mapping[str, Any], **wait: Any) -> str:
        """:meth:`create`, then :meth:`wait_for` (same options); returns the submission id."""
        submission_id = self.create(request)
        on_progress = wait.get("on_progress")
        if on_progress:
            on_progress("SUBMITTED", submission_id)
        self.wait_for(submission_id, **wait)
        return submission_id

    def _call(
        self, path: str, *, method: str = "GET", body: Any = None, retries: int | None = None
    ) -> dict[str, Any]:
        url = f"{self.rest_url}{path}"
        secret = self._rest_secret
        try:
            result = request_json(
                url,
                method=method,
                body=body,
                timeout_s=self.timeout_s,
                retries=self.max_retries if retries is None else retries,
                authorization=(lambda: rest_authorization(secret)) if secret else None,
                sleep=self._sleep,
            )
        except NetworkError as error:
            raise SparkUnreachableError(
                f"the Spark REST server at {self.rest_url} does not answer ({error}): is the platform up? "
                "npx nx run platform:up --only spark"
            ) from error
        if result.status in (401, 403):
            fix = (
                "its key is not the one this client signs with; reload spark.restSecret from the endpoints "
                "file (or DATAPARK_SPARK_REST_SECRET)"
                if secret
                else "it requires signed requests and this client has no key; create it with "
                "SparkRestClient.from_config(), or pass rest_secret (DATAPARK_SPARK_REST_SECRET)"
            )
            raise SparkAuthenticationError(
                f"the Spark REST server at {self.rest_url} refused {path} (HTTP {result.status}): {fix}",
                " ".join(result.text.split())[:200],
            )
        doc = result.json
        if not isinstance(doc, dict) or "action" not in doc:
            raise SparkError(f"unexpected answer from {url} (HTTP {result.status})", result.text[:500])
        if doc["action"] == "ErrorResponse":
            message = str(doc.get("message") or "")
            reason = message.splitlines()[0] if message else "no reason given"
            raise SubmissionRejectedError(f"the Spark REST server refused {path}: {reason}", message)
        if result.status >= 400 and "success" not in doc:
            raise SparkError(f"HTTP {result.status} from {url}", result.text[:500])
        return doc
