"""The Spark standalone REST submission server, spoken as @datapark/spark-client speaks it.

A PySpark script is submitted with main class SparkSubmit and the script in appArgs (Spark's
documented REST form); the connector jars go on the driver's and executors' classpath, since a
driver started by the REST server does not read the cluster's spark-defaults.conf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

CLIENT_SPARK_VERSION = "4.1.1"
ACTIVE_STATES = frozenset({"SUBMITTED", "RUNNING", "RELAUNCHING"})
FAILED_STATES = frozenset({"KILLED", "FAILED", "ERROR"})
TIMEOUT_S = 30


class SparkSubmissionError(RuntimeError):
    """The REST server refused a submission, or a driver ended in a failed state."""


@dataclass(frozen=True)
class SparkRest:
    """Where the REST server is and what every request needs, from the `datapark_spark_rest` connection."""

    rest_url: str
    master_url: str
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
        response = requests.post(f"{self.rest_url}/v1/submissions/create", json=request, timeout=TIMEOUT_S)
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
        response = requests.get(f"{self.rest_url}/v1/submissions/status/{submission_id}", timeout=TIMEOUT_S)
        body = _json(response)
        if not response.ok or not body.get("success", False):
            raise SparkSubmissionError(
                f"no status for Spark driver {submission_id}: HTTP {response.status_code}, "
                f"{body.get('message') or response.text[:500]}"
            )
        return body

    def driver_state(self, submission_id: str) -> str:
        return str(self.status(submission_id).get("driverState", "UNKNOWN"))


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
