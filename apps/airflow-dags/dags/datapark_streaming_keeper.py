"""datapark_streaming_keeper: keeps the streaming Spark job (Kafka -> realtime metrics) running.

Every five minutes it asks the Spark REST server for the state of the driver it last submitted
(its id is kept in the Airflow Variable `datapark_streaming_submission_id`); when that driver is
not SUBMITTED, RUNNING or RELAUNCHING, it submits apps/spark-jobs/jobs/streaming_metrics.py
again with the same checkpoint directory, so the job resumes where it stopped: nothing lost,
nothing counted twice. Paused at creation like every DAG here: unpause it to keep the job up.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import BaseHook, PokeReturnValue, Variable, dag, task
from airflow.sdk.exceptions import AirflowFailException
from datapark_dags.spark_rest import ACTIVE_STATES, FAILED_STATES, SparkRest, SparkSubmissionError

SUBMISSION_VARIABLE = "datapark_streaming_submission_id"
SPARK_ETL = "datapark_spark_etl"
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
            return SparkRest.from_connection().driver_state(submission_id)
        except SparkSubmissionError:
            # The master restarted and forgot it: it is not running.
            return "UNKNOWN"

    @task.short_circuit
    def needs_restart(state: str) -> bool:
        """False (the rest is skipped) while the driver is up."""
        return state not in ACTIVE_STATES

    @task(retries=0)
    def resubmit() -> str:
        """Submits the streaming job with its fixed checkpoint, and remembers the submission id."""
        spark = SparkRest.from_connection()
        etl = BaseHook.get_connection(SPARK_ETL)
        jobs = (
            Path(spark.jobs_dir)
            if spark.jobs_dir
            else Path(__file__).resolve().parents[2] / "spark-jobs" / "jobs"
        )
        checkpoints = spark.extra.get("checkpoint_dir") or str(
            Path(spark.state_dir or ".") / "spark" / "checkpoints"
        )
        env = {
            "DATAPARK_POSTGRES_HOST": str(etl.host),
            "DATAPARK_POSTGRES_PORT": str(etl.port),
            "DATAPARK_POSTGRES_DATABASE": str(etl.schema),
            "DATAPARK_POSTGRES_SPARK_ETL_PASSWORD": str(etl.password),
        }
        if spark.state_dir:
            env["DATAPARK_STATE_DIR"] = spark.state_dir
        submission_id = spark.create(
            spark.python_request(
                file=str(jobs / "streaming_metrics.py"),
                name=APP_NAME,
                args=["--checkpoint", f"{checkpoints}/{APP_NAME}"],
                env=env,
            )
        )
        Variable.set(SUBMISSION_VARIABLE, submission_id)
        return submission_id

    @task.sensor(poke_interval=5, timeout=300, mode="poke", retries=0)
    def wait_until_running(submission_id: str) -> PokeReturnValue:
        """The new driver must reach RUNNING; one that ends at once fails the run."""
        state = SparkRest.from_connection().driver_state(submission_id)
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
