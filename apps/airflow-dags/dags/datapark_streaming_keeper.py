"""datapark_streaming_keeper: keeps the streaming Spark job (Kafka -> realtime metrics) running.

Every five minutes it asks the Spark REST server for the state of the driver it last submitted
(its id is kept in the Airflow Variable `datapark_streaming_submission_id`); when that driver is
not SUBMITTED, RUNNING or RELAUNCHING, it submits apps/spark-jobs/jobs/streaming_metrics.py
again with the same checkpoint directory, so the job resumes where it stopped: nothing lost,
nothing counted twice. Paused at creation like every DAG here: unpause it to keep the job up.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import PokeReturnValue, Variable, dag, task
from airflow.sdk.exceptions import AirflowFailException

from datapark_dags.spark_connection import SparkConnection
from datapark_sdk.spark import ACTIVE_STATES, FAILED_STATES, SubmissionNotFoundError

SUBMISSION_VARIABLE = "datapark_streaming_submission_id"
APP_NAME = "airflow-streaming-metrics"


@dag(
    dag_id="datapark_streaming_keeper",
    description="resubmits the streaming Spark job when its driver is not running",
    schedule=timedelta(minutes=5),
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=15),
    tags=["datapark", "streaming", "spark"],
    default_args={
        "owner": "datapark",
        "retries": 1,
        "retry_delay": timedelta(seconds=30),
        "execution_timeout": timedelta(minutes=5),
    },
    doc_md=__doc__,
)
def datapark_streaming_keeper():
    @task
    def current_state() -> str:
        """The state of the driver this DAG submitted last, or NONE."""
        submission_id = Variable.get(SUBMISSION_VARIABLE, default=None)
        if not submission_id:
            return "NONE"
        try:
            return SparkConnection.get().client.status(submission_id)["driverState"]
        except SubmissionNotFoundError:
            # The master restarted and forgot it: it is not running.
            return "UNKNOWN"

    @task.short_circuit
    def needs_restart(state: str) -> bool:
        """False (the rest is skipped) while the driver is up."""
        return state not in ACTIVE_STATES

    @task(retries=0)
    def resubmit() -> str:
        """Submits the streaming job with its fixed checkpoint, and remembers the submission id."""
        spark = SparkConnection.get()
        submission_id = spark.client.create(
            spark.client.python_request(
                file=str(spark.jobs_dir / "streaming_metrics.py"),
                name=APP_NAME,
                args=["--checkpoint", f"{spark.checkpoint_dir}/{APP_NAME}"],
                env=spark.job_env(),
                # The 1 GiB driver the job has always run with, not the SDK's 512m default: it
                # collects every micro-batch and runs for hours (as `datapark-etl stream start`).
                conf={"spark.driver.memory": "1g"},
            )
        )
        Variable.set(SUBMISSION_VARIABLE, submission_id)
        return submission_id

    @task.sensor(poke_interval=5, timeout=300, mode="poke", retries=0)
    def wait_until_running(submission_id: str) -> PokeReturnValue:
        """The new driver must reach RUNNING; one that ends at once fails the run."""
        state = SparkConnection.get().client.status(submission_id)["driverState"]
        if state in FAILED_STATES or state == "FINISHED":
            raise AirflowFailException(
                f"the streaming driver {submission_id} ended {state} right after its start"
            )
        return PokeReturnValue(is_done=state == "RUNNING", xcom_value=state)

    gate = needs_restart(current_state())
    submitted = resubmit()
    gate >> submitted
    wait_until_running(submitted)


datapark_streaming_keeper()
