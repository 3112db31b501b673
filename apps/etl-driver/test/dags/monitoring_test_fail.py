"""A DAG that fails on purpose, for the live alert test of the monitoring (apps/etl-driver/test/
alerts.test.ts): its failed run reaches Prometheus through Airflow's StatsD and fires
AirflowDagRunFailed. Installed into the local platform's `test-dags` bundle only while tests run;
no retries, so the run fails at once."""

from datetime import datetime

from airflow.sdk import dag, task


@dag(
    dag_id="monitoring_test_fail",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["datapark", "test"],
    default_args={"owner": "datapark", "retries": 0},
    doc_md=__doc__,
)
def monitoring_test_fail():
    @task
    def explode() -> None:
        raise ValueError("datapark-test: the DAG run fails on purpose (monitoring alert test)")

    explode()


monitoring_test_fail()
