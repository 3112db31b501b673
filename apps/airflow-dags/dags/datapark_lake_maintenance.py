"""datapark_lake_maintenance: compaction, snapshot expiry and orphan-file removal on the lake's
Iceberg tables, once a week.

One Spark job (apps/spark-jobs/jobs/lake_maintenance.py) submitted through the Spark REST server,
on every table of the lake (bronze, silver, gold, and the streaming archive
lake.bronze.kafka_events once it exists): rewrite_data_files bin-packs the small files daily
reruns and micro-batches leave, expire_snapshots drops snapshots older than `expire_older_than`
(default: a day ago) beyond the last `retain_last` (time travel to them ends there),
remove_orphan_files deletes files no snapshot references that are older than three days. The run's
conf may set both, e.g. `{"retain_last": 1, "expire_older_than": "2026-12-01T00:00:00Z"}`.
The job's last log line (`lake_maintenance {json}`, in the driver's stdout) gives per table the
files rewritten, the snapshots before and after, the files deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import CronTriggerTimetable, Param, PokeReturnValue, dag, task
from airflow.sdk.exceptions import AirflowFailException

from datapark_dags.spark_connection import SparkConnection
from datapark_sdk.spark import FAILED_STATES

DAG_ID = "datapark_lake_maintenance"


@dag(
    dag_id=DAG_ID,
    description="Iceberg maintenance on the lake: compaction, expire snapshots, remove orphan files",
    # Sundays at 03:00 UTC, after the night's batch. A trigger timetable without a start date:
    # maintenance works on the tables as they are, not on a data interval, and unpausing the DAG
    # waits for the next Sunday (run_immediately=0: False would still run last Sunday's when
    # unpaused within a tenth of the week after it). A data-interval cron with catchup=False runs
    # the last missed week at once (beside a manual run, as a test saw); and a manual run at that
    # week's logical date, which the scheduler then skips, left it warning every second that the
    # run exists without moving on to the next week (Airflow 3.3).
    schedule=CronTriggerTimetable("0 3 * * 0", timezone="UTC", run_immediately=timedelta(0)),
    catchup=False,
    # Two at once would commit over each other's rewrites (Iceberg retries, but wastes the work).
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=1),
    tags=["datapark", "lake", "iceberg", "spark", "maintenance"],
    params={
        "retain_last": Param(5, type="integer", minimum=1, description="snapshots every table keeps"),
        "expire_older_than": Param(
            None,
            type=["null", "string"],
            description="expire snapshots older than this ISO instant with a zone, e.g. "
            "2026-12-01T00:00:00Z (default: a day before the run)",
        ),
    },
    default_args={
        "owner": "datapark",
        "retries": 1,
        "retry_delay": timedelta(minutes=1),
        "execution_timeout": timedelta(minutes=30),
    },
    doc_md=__doc__,
)
def datapark_lake_maintenance():
    @task
    def submit_maintenance(**context) -> str:
        """Submits jobs/lake_maintenance.py through the Spark REST server."""
        params = context["params"]
        args = ["--retain-last", str(int(params["retain_last"]))]
        if params.get("expire_older_than"):
            expire = str(params["expire_older_than"])
            try:
                valid = datetime.fromisoformat(expire).tzinfo is not None
            except ValueError:
                valid = False
            if not valid:
                # Here rather than in the driver: a bad value fails the task with the reason, not a
                # Spark application with a usage line in a worker's work dir.
                raise AirflowFailException(
                    f"expire_older_than = {expire!r} is not an ISO instant with a zone: "
                    "e.g. 2026-12-01T00:00:00Z"
                )
            args += ["--expire-older-than", expire]
        spark = SparkConnection.get()
        request = spark.client.python_request(
            file=str(spark.jobs_dir / "lake_maintenance.py"),
            name="airflow-lake-maintenance",
            args=args,
            # The job reads the catalog password and the store's keys from the endpoints file
            # (DATAPARK_STATE_DIR), not from the submission.
            env={"DATAPARK_STATE_DIR": spark.state_dir} if spark.state_dir else {},
        )
        return spark.client.create(request)

    @task.sensor(poke_interval=10, timeout=1800, mode="poke", retries=0)
    def wait_for_maintenance(submission_id: str) -> PokeReturnValue:
        """Polls the driver until it ends; a failed driver fails the task."""
        state = SparkConnection.get().client.status(submission_id)["driverState"]
        if state in FAILED_STATES:
            raise AirflowFailException(
                f"Spark driver {submission_id} ended {state}: its log (the lake_maintenance line and "
                "the traceback) is in the Spark worker's work dir (.datapark/spark/worker-*/) and "
                "the history server"
            )
        return PokeReturnValue(is_done=state == "FINISHED", xcom_value=state)

    wait_for_maintenance(submit_maintenance())


datapark_lake_maintenance()
