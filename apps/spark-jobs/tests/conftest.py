import sys
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

ROOT = Path(__file__).resolve().parents[3]
JOBS = ROOT / "apps" / "spark-jobs" / "jobs"
# As the jobs do: their modules, and this checkout's Python SDK.
sys.path[:0] = [str(ROOT / "apps" / "spark-jobs" / "src"), str(ROOT / "packages" / "python-sdk" / "src")]


@pytest.fixture(scope="session")
def spark():
    session = (
        SparkSession.builder.master("local[1]")
        .appName("spark-jobs-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    yield session
    session.stop()
