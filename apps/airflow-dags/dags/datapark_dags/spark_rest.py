"""The Spark standalone REST submission server, spoken as @datapark/spark-client speaks it.

A PySpark script is submitted with main class SparkSubmit and the script in appArgs (Spark's
documented REST form); the connector jars go on the driver's and executors' classpath, since a
driver started by the REST server does not read the cluster's spark-defaults.conf. Every request
is signed for Spark's JWSFilter with the key in the connection's password (or
DATAPARK_SPARK_REST_SECRET), as spark-client's restAuthorization does.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests

CLIENT_SPARK_VERSION = "4.1.1"
ACTIVE_STATES = frozenset({"SUBMITTED", "RUNNING", "RELAUNCHING"})
FAILED_STATES = frozenset({"KILLED", "FAILED", "ERROR"})
TIMEOUT_S = 30
TOKEN_LIFETIME_S = 300


def authorization(secret: str) -> str:
    """The `Authorization` header Spark's JWSFilter accepts: HS256 over the base64url-decoded key."""
    key = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    now = int(time.time())
    token = jwt.encode({"iss": "datapark", "iat": now, "exp": now + TOKEN_LIFETIME_S}, key, algorithm="HS256")
    return f"Bearer {token}"


class SparkSubmissionError(RuntimeError):
    """The REST server refused a submission, or a driver ended in a failed state."""


@dataclass(frozen=True)
class SparkRest:
    """Where the REST server is and what every request needs, from the `datapark_spark_rest` connection."""

    rest_url: str
    master_url: str
    secret: str | None = field(default=None, repr=False)
    connector_jars: str | None = None
    jobs_dir: str | None = None
    state_dir: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_connection(cls, conn_id: str = "datapark_spark_rest") -> SparkRest:
        from airflow.sdk import BaseHook

        conn = BaseHook.get_connection(conn_id)
        extra = conn.extra_dejson
        scheme = conn.schema or "http"
        return cls(
            rest_url=f"{scheme}://{conn.host}:{conn.port}",
            master_url=extra.get("master_url") or f"spark://{conn.host}:7077",
            secret=conn.password or os.environ.get("DATAPARK_SPARK_REST_SECRET") or None,
            connector_jars=extra.get("connector_jars"),
            jobs_dir=extra.get("jobs_dir"),
            state_dir=extra.get("state_dir"),
            extra=extra,
        )

    def python_request(
        self,
        *,
        file: str,
        name: str,
        args: list[str] | None = None,
        env: dict[str, str] | None = None,
        conf: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The CreateSubmissionRequest of a PySpark script (as spark-client's pythonRequest)."""
        properties: dict[str, str] = {}
        if self.connector_jars:
            properties["spark.driver.extraClassPath"] = f"{self.connector_jars}/*"
            properties["spark.executor.extraClassPath"] = f"{self.connector_jars}/*"
        properties.update(
            {
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
            "appArgs": [file, *(args or [])],
            "clientSparkVersion": CLIENT_SPARK_VERSION,
            "sparkProperties": properties,
            "environmentVariables": {"SPARK_ENV_LOADED": "1", **(env or {})},
        }

    def create(self, request: dict[str, Any]) -> str:
        """Submits a driver and returns its submission id. Never retried here: a repeat could run it twice."""
        response = requests.post(
            f"{self.rest_url}/v1/submissions/create", json=request, headers=self._headers(), timeout=TIMEOUT_S
        )
        body = _json(response)
        if not response.ok or not body.get("success") or not body.get("submissionId"):
            name = request["sparkProperties"].get("spark.app.name")
            raise SparkSubmissionError(
                f"the Spark master refused the submission of {name}: "
                f"HTTP {response.status_code}, {body.get('message') or response.text[:500]}"
            )
        return str(body["submissionId"])

    def status(self, submission_id: str) -> dict[str, Any]:
        """The status document of a driver (`driverState`, `message`, ...)."""
        url = f"{self.rest_url}/v1/submissions/status/{submission_id}"
        response = requests.get(url, headers=self._headers(), timeout=TIMEOUT_S)
        body = _json(response)
        if not response.ok or not body.get("success", False):
            raise SparkSubmissionError(
                f"no status for Spark driver {submission_id}: HTTP {response.status_code}, "
                f"{body.get('message') or response.text[:500]}"
            )
        return body

    def driver_state(self, submission_id: str) -> str:
        return str(self.status(submission_id).get("driverState", "UNKNOWN"))

    def kill(self, submission_id: str) -> dict[str, Any]:
        """Asks the master to kill a driver (safe to repeat)."""
        response = requests.post(
            f"{self.rest_url}/v1/submissions/kill/{submission_id}", headers=self._headers(), timeout=TIMEOUT_S
        )
        return _json(response)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": authorization(self.secret)} if self.secret else {}


def _json(response: requests.Response) -> dict[str, Any]:
    if response.status_code in (401, 403):
        raise SparkSubmissionError(
            f"the Spark REST server refused the request (HTTP {response.status_code}): requests must be "
            "signed with the key in the datapark_spark_rest connection's password "
            "(or DATAPARK_SPARK_REST_SECRET)"
        )
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
