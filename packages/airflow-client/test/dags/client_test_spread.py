"""Four tasks at once that each say which Celery worker ran them, so a test can show that the
local platform's two workers share one run's tasks."""

import os
import time
from datetime import datetime

from airflow.sdk import dag, task


@dag(
    dag_id="client_test_spread",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["datapark", "test"],
    default_args={"owner": "datapark", "retries": 1},
    doc_md=__doc__,
)
def client_test_spread():
    @task
    def which_worker() -> str:
        # Long enough that all four are reserved before any ends: each worker holds 2 at most.
        time.sleep(8)
        return os.environ.get("DATAPARK_AIRFLOW_WORKER", "unknown")

    for n in range(1, 5):
        which_worker.override(task_id=f"which_worker_{n}")()


client_test_spread()
