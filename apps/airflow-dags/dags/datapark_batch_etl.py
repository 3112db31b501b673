"""datapark_batch_etl: source -> Spark batch job -> processed -> quality checks -> etl.job_runs.

One run computes one day (UTC): the day before the run for scheduled runs, the logical date's
day for a manual run, or `date` from the run's conf (`{"date": "2026-11-01"}`). Every step is
idempotent for that day: the Spark job deletes the day's rows and writes them again, and a
rerun of the same DAG run updates its own etl.job_runs row. Nothing for the day in `source`
skips the Spark job and records an empty, successful run.

Then the lake: once `processed` is recorded, jobs/lake_daily.py builds the day's bronze, silver
and gold Iceberg tables from `raw` and reconciles gold with `processed` (a difference fails the
DAG run, not the recorded batch). Only for a day that is over and has order events in `raw`,
where the Spark connection says the lake is set up; `{"lake": false}` in the conf leaves it out.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pendulum
from airflow.providers.common.sql.operators.sql import SQLColumnCheckOperator, SQLTableCheckOperator
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.sdk import CronTriggerTimetable, Param, PokeReturnValue, dag, task
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

from datapark_dags.assets import BATCH_ETL_DONE
from datapark_dags.lake_day import lake_skip_reason, no_events_reason
from datapark_dags.spark_connection import SparkConnection
from datapark_sdk.spark import FAILED_STATES

DAG_ID = "datapark_batch_etl"
POSTGRES = "datapark_postgres"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Rendered in the check operators' templated fields; target_day validated the value's form.
DAY_SQL = "DATE '{{ ti.xcom_pull(task_ids='target_day') }}'"
DATED_TABLES = {
    "processed.fact_orders": "order_date",
    "processed.fact_order_items": "order_date",
    "processed.daily_sales": "sales_date",
    "processed.product_performance": "sales_date",
}
SOURCE_DAY = "(o.placed_at AT TIME ZONE 'UTC')::date = %(day)s::date"


@dag(
    dag_id=DAG_ID,
    description="source -> Spark daily batch -> processed -> quality checks, recorded in etl.job_runs",
    # Every midnight UTC, for the day that just ended (the data interval: the 24 hours before).
    # A trigger timetable without a start date: unpausing the DAG waits for the next midnight.
    # A data-interval cron with catchup=False ran yesterday at once on unpause, beside the run
    # that unpaused it (seen in `npm run demo` and in every test run that triggers the DAG).
    # No start date also means a manual run for any old day gets its tasks.
    schedule=CronTriggerTimetable(
        "0 0 * * *", timezone="UTC", interval=timedelta(days=1), run_immediately=timedelta(0)
    ),
    catchup=False,
    # One at a time: two would only queue behind each other, since the Spark job holds an advisory
    # lock while it writes, and each would hold cluster cores meanwhile.
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=1),
    tags=["datapark", "batch", "spark", "quality"],
    params={
        "date": Param(
            None,
            type=["null", "string"],
            description="the day to compute (YYYY-MM-DD); default: the run's day",
        ),
        "lake": Param(
            True,
            type="boolean",
            description="build the day in the lake too, when it is over and has landed in raw",
        ),
    },
    default_args={
        "owner": "datapark",
        "retries": 2,
        "retry_delay": timedelta(seconds=20),
        "execution_timeout": timedelta(minutes=10),
    },
    doc_md=__doc__,
)
def datapark_batch_etl():
    @task
    def target_day(**context) -> str:
        """The day this run computes, YYYY-MM-DD (see the DAG's doc)."""
        requested = context["params"].get("date")
        run = context["dag_run"]
        if requested:
            day = str(requested)
        elif run.run_type == "scheduled" and context.get("data_interval_start"):
            day = context["data_interval_start"].in_timezone("UTC").date().isoformat()
        else:
            when = run.logical_date or run.run_after
            day = pendulum.instance(when).in_timezone("UTC").date().isoformat()
        if not DATE.match(day):
            raise AirflowFailException(f"date = {day!r} is not a day: use YYYY-MM-DD, e.g. 2026-11-01")
        return day

    @task
    def start_run(day: str, **context) -> int:
        """Records the run in etl.job_runs as running (the same row again when a task is retried)."""
        run_id = context["dag_run"].run_id
        hook = PostgresHook(postgres_conn_id=POSTGRES)
        existing = hook.get_first(
            "SELECT run_id FROM etl.job_runs WHERE job_name = %s AND details->>'airflow_run_id' = %s",
            parameters=(DAG_ID, run_id),
        )
        if existing:
            hook.run(
                "UPDATE etl.job_runs SET status = 'running', logical_date = %s, finished_at = NULL "
                "WHERE run_id = %s",
                parameters=(day, existing[0]),
            )
            return int(existing[0])
        # run() commits (get_first would roll the INSERT back).
        row = hook.run(
            "INSERT INTO etl.job_runs (job_name, logical_date, status, triggered_by, details) "
            "VALUES (%s, %s, 'running', 'airflow', %s::jsonb) RETURNING run_id",
            parameters=(DAG_ID, day, json.dumps({"airflow_run_id": run_id})),
            handler=lambda cursor: cursor.fetchone(),
        )
        return int(row[0])

    @task
    def extract_source(day: str) -> dict:
        """Counts the day's orders and lines in `source`; nothing there skips the Spark job."""
        hook = PostgresHook(postgres_conn_id=POSTGRES)
        orders, items = hook.get_first(
            f"SELECT count(DISTINCT o.order_id), count(i.order_id) FROM source.orders o "
            f"LEFT JOIN source.order_items i USING (order_id) WHERE {SOURCE_DAY}",
            parameters={"day": day},
        )
        if orders == 0:
            raise AirflowSkipException(f"no orders placed on {day} in source: nothing to compute")
        return {"orders": int(orders), "order_items": int(items)}

    @task(retries=1)
    def submit_spark_job(day: str, _source: dict, **context) -> str:
        """Submits apps/spark-jobs/jobs/daily_batch.py for the day through the Spark REST server."""
        # About when the job reads source: the lake job counts the orders' statuses as of then,
        # so an order cancelled after it is cancelled on neither side.
        context["ti"].xcom_push(key="read_at", value=pendulum.now("UTC").isoformat())
        spark = SparkConnection.get()
        request = spark.client.python_request(
            file=str(spark.jobs_dir / "daily_batch.py"),
            name=f"airflow-daily-batch-{day}",
            args=["--date", day],
            env=spark.job_env(),
        )
        return spark.client.create(request)

    @task.sensor(poke_interval=5, timeout=1800, mode="poke", retries=0)
    def wait_for_spark_job(submission_id: str) -> PokeReturnValue:
        """Polls /v1/submissions/status until the driver ends; a failed driver fails the task."""
        state = SparkConnection.get().client.status(submission_id)["driverState"]
        if state in FAILED_STATES:
            raise AirflowFailException(
                f"Spark driver {submission_id} ended {state}: its log is in the Spark worker's "
                "work dir (.datapark/spark/worker-*/) and the history server"
            )
        return PokeReturnValue(is_done=state == "FINISHED", xcom_value=state)

    check_facts = SQLColumnCheckOperator(
        task_id="check_fact_orders_columns",
        conn_id=POSTGRES,
        table="processed.fact_orders",
        partition_clause=f"order_date = {DAY_SQL}",
        column_mapping={
            "order_id": {"null_check": {"equal_to": 0}, "unique_check": {"equal_to": 0}},
            "customer_id": {"null_check": {"equal_to": 0}},
            "total_amount": {"min": {"geq_to": 0}},
            "item_count": {"min": {"geq_to": 0}},
        },
    )
    reconcile = SQLTableCheckOperator(
        task_id="reconcile_fact_orders_with_source",
        conn_id=POSTGRES,
        # The day's facts beside what source holds for the day: the orders extract_source
        # counted before Spark read them, and the orders there now. A day still being written
        # (today) grows between the two, so the facts must lie between them, not equal either.
        table=(
            "(SELECT f.*, "
            "EXISTS (SELECT 1 FROM source.orders s WHERE s.order_id = f.order_id) AS in_source, "
            "{{ ti.xcom_pull(task_ids='extract_source')['orders'] }} AS extracted_orders, "
            "(SELECT count(*) FROM source.orders s "
            f"WHERE (s.placed_at AT TIME ZONE 'UTC')::date = {DAY_SQL}) AS source_orders_now "
            f"FROM processed.fact_orders f WHERE f.order_date = {DAY_SQL}) AS day_orders"
        ),
        checks={
            "every_extracted_order_is_a_fact": {"check_statement": "COUNT(*) >= MAX(extracted_orders)"},
            "no_more_facts_than_source_orders": {"check_statement": "COUNT(*) <= MAX(source_orders_now)"},
            "every_fact_is_a_source_order": {"check_statement": "in_source"},
        },
    )
    check_sales = SQLTableCheckOperator(
        task_id="check_daily_sales",
        conn_id=POSTGRES,
        table="processed.daily_sales",
        partition_clause=f"sales_date = {DAY_SQL}",
        checks={
            "one_row_for_the_day": {"check_statement": "COUNT(*) = 1"},
            "revenue_not_negative": {"check_statement": "revenue >= 0"},
            "counts_consistent": {
                "check_statement": "items_sold >= 0 AND distinct_customers <= orders_count",
            },
        },
    )
    check_products = SQLColumnCheckOperator(
        task_id="check_product_performance_columns",
        conn_id=POSTGRES,
        table="processed.product_performance",
        partition_clause=f"sales_date = {DAY_SQL}",
        column_mapping={
            "product_id": {"null_check": {"equal_to": 0}, "unique_check": {"equal_to": 0}},
            "revenue": {"min": {"geq_to": 0}},
        },
        accept_none=True,
    )

    # Its asset schedules datapark_dbt_build (apps/dbt-shop) after each finished day.
    @task(trigger_rule="none_failed", outlets=[BATCH_ETL_DONE])
    def finish_run(run_row: int, day: str, **context) -> int:
        """Marks the run successful with the rows it wrote for the day."""
        hook = PostgresHook(postgres_conn_id=POSTGRES)
        counts = {
            table: int(hook.get_first(f"SELECT count(*) FROM {table} WHERE {column} = %s::date", (day,))[0])
            for table, column in DATED_TABLES.items()
        }
        details = {
            "airflow_run_id": context["dag_run"].run_id,
            # None when extract_source skipped an empty day.
            "source": context["ti"].xcom_pull(task_ids="extract_source"),
            "rows": counts,
            "spark_submission_id": context["ti"].xcom_pull(task_ids="submit_spark_job"),
        }
        hook.run(
            "UPDATE etl.job_runs SET status = 'success', finished_at = now(), rows_written = %s, "
            "details = %s::jsonb WHERE run_id = %s",
            parameters=(sum(counts.values()), json.dumps(details), run_row),
        )
        return sum(counts.values())

    @task(trigger_rule="one_failed", retries=3)
    def record_failure(run_row: int, **context) -> None:
        """Marks the run failed as soon as any step failed (the DAG run fails too)."""
        PostgresHook(postgres_conn_id=POSTGRES).run(
            "UPDATE etl.job_runs SET status = 'failed', finished_at = now(), "
            "details = details || %s::jsonb WHERE run_id = %s",
            parameters=(json.dumps({"failed_in_airflow_run": context["dag_run"].run_id}), run_row),
        )

    # Retried while ingest is still landing the day's last orders (a run just after midnight).
    @task(retries=5, retry_delay=timedelta(minutes=2))
    def lake_day(day: str, **context) -> str:
        """The day for the lake job, or a skip that says why not (see the DAG's doc)."""
        reason = lake_skip_reason(
            day,
            wanted=bool(context["params"].get("lake", True)),
            configured=SparkConnection.get().lake,
            today=pendulum.now("UTC").date().isoformat(),
        )
        if reason is None:
            (landed, placed) = PostgresHook(postgres_conn_id=POSTGRES).get_first(
                "SELECT (SELECT count(DISTINCT order_id) FROM raw.order_events "
                "WHERE event_type = 'order_placed' AND occurred_at >= %(day)s::timestamp AT TIME ZONE 'UTC' "
                "AND occurred_at < (%(day)s::timestamp + interval '1 day') AT TIME ZONE 'UTC'), "
                f"(SELECT count(*) FROM source.orders o WHERE {SOURCE_DAY})",
                parameters={"day": day},
            )
            reason = no_events_reason(day, int(landed))
            if reason is None and landed < placed:
                raise AirflowException(
                    f"ingest has landed {landed} of the {placed} orders placed on {day} in raw: the "
                    "lake and processed would differ; retried in 2 minutes (is ingest running? "
                    "`npx nx run etl-driver:ingest`)"
                )
        if reason:
            raise AirflowSkipException(reason)
        return day

    @task(retries=1)
    def submit_lake_job(day: str, **context) -> str:
        """Submits apps/spark-jobs/jobs/lake_daily.py for the day through the Spark REST server,
        with the statuses as of when the batch read source."""
        read_at = context["ti"].xcom_pull(task_ids="submit_spark_job", key="read_at")
        spark = SparkConnection.get()
        request = spark.client.python_request(
            file=str(spark.jobs_dir / "lake_daily.py"),
            name=f"airflow-lake-daily-{day}",
            args=["--date", day, *(["--as-of", read_at] if read_at else [])],
            env=spark.job_env(),
        )
        return spark.client.create(request)

    # Longer than the batch's 10 minutes: the lake job writes four tables (116 s here at a load
    # of 5, 493 s at 30). The sensor's own timeout comes first.
    @task.sensor(
        poke_interval=5, timeout=1200, mode="poke", retries=0, execution_timeout=timedelta(minutes=25)
    )
    def wait_for_lake_job(submission_id: str) -> PokeReturnValue:
        """Polls the lake job's driver; a failed driver (a failed reconciliation among others)
        fails the task and the DAG run, while etl.job_runs keeps the batch's success."""
        state = SparkConnection.get().client.status(submission_id)["driverState"]
        if state in FAILED_STATES:
            raise AirflowFailException(
                f"Spark driver {submission_id} (the lake job) ended {state}: its stderr (a failed "
                "reconciliation names each column that differs, with both values) is in the Spark "
                "worker's work dir (.datapark/spark/worker-*/) and the history server"
            )
        return PokeReturnValue(is_done=state == "FINISHED", xcom_value=state)

    day = target_day()
    run_row = start_run(day)
    source = extract_source(day)
    run_row >> source
    submission = submit_spark_job(day, source)
    done = wait_for_spark_job(submission)
    checks = [check_facts, reconcile, check_sales, check_products]
    done >> checks
    finished = finish_run(run_row, day)
    checks >> finished
    failed = record_failure(run_row)
    [source, submission, done, *checks] >> failed
    lake = lake_day(day)
    finished >> lake
    wait_for_lake_job(submit_lake_job(lake))


datapark_batch_etl()
