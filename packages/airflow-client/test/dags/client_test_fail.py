"""A DAG whose second task fails on purpose, for the tests of @datapark/airflow-client: the run
ends ``failed`` and the task's log carries the exception message. No retries, so the run fails
on the first attempt."""

from datetime import datetime

from airflow.sdk import dag, task


@dag(
    dag_id="client_test_fail",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["datapark", "test"],
    default_args={"owner": "datapark", "retries": 0},
    doc_md=__doc__,
)
def client_test_fail():
    @task
    def prepare() -> str:
        return "ready"

    @task
    def explode(_: str) -> None:
        raise ValueError("datapark-test: the task failed on purpose")

    explode(prepare())


client_test_fail()
