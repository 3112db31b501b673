"""The DAGs' Spark connection, read as the DAGs read it, in the local platform's form (its
password is the REST key) and the chart's (no password: DATAPARK_SPARK_REST_SECRET)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from datapark_dags.spark_connection import SparkConnection
from datapark_sdk.config import load_config
from datapark_sdk.spark import SubmissionNotFoundError


@pytest.fixture
def platform_connections(monkeypatch):
    """The connections the local platform defines (packages/platform's airflowConnections)."""
    config = load_config(cwd=ROOT)
    etl = config.postgres_login("spark_etl")
    monkeypatch.setenv(
        "AIRFLOW_CONN_DATAPARK_SPARK_REST",
        json.dumps(
            {
                "conn_type": "http",
                "host": "127.0.0.1",
                "port": int(config.spark.rest_url.rsplit(":", 1)[1]),
                "schema": "http",
                "password": config.spark.rest_secret,
                "extra": {
                    "master_url": config.spark.master_url,
                    "connector_jars": config.spark.connector_jars,
                    "jobs_dir": "/checkout/apps/spark-jobs/jobs",
                    "state_dir": "/checkout/.datapark",
                    "checkpoint_dir": "/checkout/.datapark/spark/checkpoints",
                },
            }
        ),
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_DATAPARK_SPARK_ETL",
        json.dumps(
            {
                "conn_type": "postgres",
                "host": etl.host,
                "port": etl.port,
                "schema": etl.database,
                "login": etl.user,
                "password": etl.password,
            }
        ),
    )
    return config


def test_the_local_platforms_connection_signs_with_its_password(platform_connections):
    spark = SparkConnection.get()
    assert spark.client.rest_url == platform_connections.spark.rest_url
    assert spark.jobs_dir == Path("/checkout/apps/spark-jobs/jobs")
    assert spark.checkpoint_dir == "/checkout/.datapark/spark/checkpoints"
    request = spark.client.python_request(file="/checkout/apps/spark-jobs/jobs/daily_batch.py", name="x")
    assert (
        request["sparkProperties"]["spark.driver.extraClassPath"]
        == f"{platform_connections.spark.connector_jars}/*"
    )
    # Signed with the connection's key, the running REST server answers (and knows no such driver).
    with pytest.raises(SubmissionNotFoundError):
        spark.client.status("driver-20000101000000-0000")


def test_jobs_get_postgres_as_the_spark_etl_role_and_the_state_directory(platform_connections):
    env = SparkConnection.get().job_env()
    login = platform_connections.postgres_login("spark_etl")
    assert env == {
        "DATAPARK_POSTGRES_HOST": login.host,
        "DATAPARK_POSTGRES_PORT": str(login.port),
        "DATAPARK_POSTGRES_DATABASE": login.database,
        "DATAPARK_POSTGRES_SPARK_ETL_PASSWORD": login.password,
        "DATAPARK_STATE_DIR": "/checkout/.datapark",
    }


def test_the_charts_connection_takes_the_key_from_the_environment(monkeypatch):
    # charts/datapark/charts/airflow/templates/_helpers.tpl: no password, the key in a variable.
    monkeypatch.setenv(
        "AIRFLOW_CONN_DATAPARK_SPARK_REST",
        json.dumps(
            {
                "conn_type": "http",
                "host": "dp-spark-master",
                "port": 6066,
                "schema": "http",
                "extra": {
                    "master_url": "spark://dp-spark-master:7077",
                    "jobs_dir": "/opt/datapark/apps/spark-jobs/jobs",
                },
            }
        ),
    )
    monkeypatch.setenv("DATAPARK_SPARK_REST_SECRET", "K" * 43)
    spark = SparkConnection.get()
    assert spark.client.rest_url == "http://dp-spark-master:6066"
    assert spark.client.master_url == "spark://dp-spark-master:7077"
    assert spark.client._rest_secret == "K" * 43
    assert spark.jobs_dir == Path("/opt/datapark/apps/spark-jobs/jobs")
    assert spark.checkpoint_dir == "spark/checkpoints"
