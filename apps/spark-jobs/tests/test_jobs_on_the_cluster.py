"""The jobs start on the running cluster as the DAGs submit them: a driver finds the jobs'
modules and the Python SDK relative to the job file (asked only for --help, so nothing is read
or written)."""

from __future__ import annotations

import pytest

from conftest import JOBS, ROOT
from datapark_sdk.config import load_config
from datapark_sdk.spark import SparkRestClient


@pytest.mark.parametrize("job", ["daily_batch.py", "streaming_metrics.py", "kafka_bronze.py"])
def test_a_job_imports_its_modules_and_the_sdk_on_a_spark_driver(job):
    spark = SparkRestClient.from_config(load_config(cwd=ROOT))
    request = spark.python_request(file=str(JOBS / job), name=f"spark-jobs-imports-{job}", args=["--help"])
    # Raises SparkJobFailedError (an ImportError on the driver) unless the driver ends FINISHED.
    spark.submit_and_wait(request, timeout_s=300)
