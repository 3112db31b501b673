"""Reference solution of lesson 5 (its test gives the names its suffix)."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.sdk import dag, get_current_context, task

DAG_ID = "lab_lesson_05"
TABLE = "lab.lesson05_daily_orders"
LAB = "datapark_lab"


@dag(
    dag_id=DAG_ID,
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["lab", "lesson"],
)
def lab_lesson_05():
    @task
    def create_table() -> None:
        PostgresHook(postgres_conn_id=LAB).run(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "day date PRIMARY KEY, orders integer NOT NULL, revenue numeric(14, 2) NOT NULL)"
        )

    @task
    def load_day() -> str:
        day = (get_current_context()["logical_date"] - timedelta(days=1)).date()
        PostgresHook(postgres_conn_id=LAB).run(
            f"INSERT INTO {TABLE} (day, orders, revenue) "
            "SELECT %(day)s, count(*), coalesce(sum(total_amount), 0) FROM source.orders "
            "WHERE placed_at >= %(day)s::date AT TIME ZONE 'UTC' "
            "AND placed_at < (%(day)s::date + 1) AT TIME ZONE 'UTC' "
            "ON CONFLICT (day) DO UPDATE SET orders = excluded.orders, revenue = excluded.revenue",
            parameters={"day": day},
        )
        return day.isoformat()

    create_table() >> load_day()


lab_lesson_05()
