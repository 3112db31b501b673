"""The Spark REST server as the DAGs find it: Airflow's `datapark_spark_rest` connection.

The client itself is the Python SDK's (packages/python-sdk, `datapark_sdk.spark`); this only
reads the connection the platform defines (its password is the REST server's signing key, else
DATAPARK_SPARK_REST_SECRET) and the job environment both Spark DAGs pass on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from airflow.sdk import BaseHook

from datapark_sdk.spark import SparkRestClient

SPARK_REST = "datapark_spark_rest"
SPARK_ETL = "datapark_spark_etl"


@dataclass(frozen=True)
class SparkConnection:
    """A client for the REST server, and where the jobs and their state are."""

    client: SparkRestClient
    jobs_dir: Path
    state_dir: str | None
    checkpoint_dir: str
    #: Whether the jobs find the lake (the object store, the catalog, Iceberg's jars on Spark).
    lake: bool = False

    @classmethod
    def get(cls, conn_id: str = SPARK_REST) -> SparkConnection:
        conn = BaseHook.get_connection(conn_id)
        extra = conn.extra_dejson
        state_dir = extra.get("state_dir")
        checkpoints = extra.get("checkpoint_dir") or str(Path(state_dir or ".") / "spark" / "checkpoints")
        return cls(
            client=SparkRestClient(
                rest_url=f"{conn.schema or 'http'}://{conn.host}:{conn.port}",
                master_url=extra.get("master_url") or f"spark://{conn.host}:7077",
                rest_secret=conn.password or os.environ.get("DATAPARK_SPARK_REST_SECRET") or None,
                connector_jars=extra.get("connector_jars"),
            ),
            # The connection says where the jobs are; a checkout without it has them next door.
            jobs_dir=Path(extra["jobs_dir"])
            if extra.get("jobs_dir")
            else Path(__file__).resolve().parents[3] / "spark-jobs" / "jobs",
            state_dir=state_dir,
            checkpoint_dir=checkpoints,
            lake=extra.get("lake") is True,
        )

    def job_env(self, etl_conn_id: str = SPARK_ETL) -> dict[str, str]:
        """The environment of a submitted job: PostgreSQL as the spark_etl role, which beats the
        endpoints file the job would otherwise read (as @datapark/config's precedence says)."""
        etl = BaseHook.get_connection(etl_conn_id)
        env = {
            "DATAPARK_POSTGRES_HOST": str(etl.host),
            "DATAPARK_POSTGRES_PORT": str(etl.port),
            "DATAPARK_POSTGRES_DATABASE": str(etl.schema),
            "DATAPARK_POSTGRES_SPARK_ETL_PASSWORD": str(etl.password),
        }
        if self.state_dir:
            env["DATAPARK_STATE_DIR"] = self.state_dir
        return env
