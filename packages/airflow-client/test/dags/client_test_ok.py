"""A tiny DAG for the tests of @datapark/airflow-client: extract a number, double it, optionally
wait a while (``conf.sleep_seconds``, so a test can restart the api-server mid-run). It touches
nothing outside Airflow."""

import time
from datetime import datetime, timedelta

from airflow.sdk import dag, get_current_context, task


@dag(
    dag_id="client_test_ok",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["datapark", "test"],
    # A task needs the api-server's execution API to start, heartbeat and finish; generous
    # retries let a run outlive the api-server restart that the client's test puts it through.
    default_args={"owner": "datapark", "retries": 5, "retry_delay": timedelta(seconds=15)},
    params={"sleep_seconds": 0},
    doc_md=__doc__,
)
def client_test_ok():
    @task
    def extract() -> int:
        return 21

    @task
    def double(n: int) -> int:
        return n * 2

    @task
    def linger(n: int) -> int:
        time.sleep(float(get_current_context()["params"]["sleep_seconds"]))
        return n

    linger(double(extract()))


client_test_ok()
