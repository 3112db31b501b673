"""lab_first_dag: your first DAG. Orders and revenue per day from the shop's `source.orders`
into a table of your own, lab.first_dag_daily_orders, through the lab role's connection.

    node lab/scripts/trigger-dag.ts lab_first_dag     (or the Trigger button in the Airflow UI)

Airflow parses lab/dags as its `lab` bundle: a new or changed file shows within about 10 s.
Each run recomputes every day and upserts it, so running it again is safe.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowFailException

# The lab role's connection, which the platform defines from its endpoints file: it reads
# source, raw and processed, and creates and writes tables in lab.
LAB = "datapark_lab"
TABLE = "lab.first_dag_daily_orders"


@dag(
    dag_id="lab_first_dag",
    description="source.orders -> orders and revenue per day -> lab.first_dag_daily_orders",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["lab"],
    default_args={
        "owner": "lab",
        "retries": 1,
        "retry_delay": timedelta(seconds=10),
        "execution_timeout": timedelta(minutes=5),
    },
    doc_md=__doc__,
)
def lab_first_dag():
    @task
    def create_table() -> None:
        """Creates the table the first time (the lab role owns what it creates)."""
        PostgresHook(postgres_conn_id=LAB).run(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "day date PRIMARY KEY, orders integer NOT NULL, revenue numeric(14, 2) NOT NULL, "
            "refreshed_at timestamptz NOT NULL DEFAULT now())"
        )

    @task
    def refresh_days() -> int:
        """Upserts one row per day (UTC) of source.orders, cancelled and refunded orders left out;
        returns how many days it wrote. run() commits."""
        days = PostgresHook(postgres_conn_id=LAB).run(
            f"INSERT INTO {TABLE} (day, orders, revenue) "
            "SELECT (placed_at AT TIME ZONE 'UTC')::date, count(*), sum(total_amount) "
            "FROM source.orders WHERE status NOT IN ('cancelled', 'refunded') GROUP BY 1 "
            "ON CONFLICT (day) DO UPDATE SET orders = excluded.orders, revenue = excluded.revenue, "
            "refreshed_at = now() RETURNING day",
            handler=lambda cursor: cursor.fetchall(),
        )
        return len(days)

    @task
    def report(days: int) -> dict:
        """Logs the best day; fails when the shop has no orders yet."""
        if days == 0:
            raise AirflowFailException(
                "source.orders has no orders: fill it first (npm run demo, or the event generator with "
                "--sink kafka,postgres, docs/event-generator.md)"
            )
        day, orders, revenue = PostgresHook(postgres_conn_id=LAB).get_first(
            # Ordered by the numeric column: `ORDER BY revenue` would name the text output column.
            f"SELECT day::text, orders, revenue::text FROM {TABLE} ORDER BY {TABLE}.revenue DESC LIMIT 1"
        )
        print(f"{days} days in {TABLE}; the best: {day} with {orders} orders, revenue {revenue}")
        return {"days": days, "best_day": day, "orders": orders, "revenue": revenue}

    table = create_table()
    days = refresh_days()
    table >> days
    report(days)


lab_first_dag()
