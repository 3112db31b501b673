"""Lesson 5: a DAG that loads each day of the shop's orders into a table of yours.

The page: docs/lessons/05-daily-dag.md. `datapark lesson start 5` copied this file to
lab/dags/lab_lesson_05.py, where Airflow parses it (its `lab` bundle): save, and about 10 s later
the DAG shows in the Airflow UI. Check it: datapark lesson check 5. This is your copy (git
ignores it).
"""

from __future__ import annotations

import pendulum
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.sdk import dag, task

DAG_ID = "lab_lesson_05"  # what the checker looks for
TABLE = "lab.lesson05_daily_orders"  # day date (one row a day), orders integer, revenue numeric(14,2)
LAB = "datapark_lab"  # the lab role's connection: reads source, writes lab


@dag(
    dag_id=DAG_ID,
    schedule=None,  # TODO 1: every day at midnight (UTC)
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["lab", "lesson"],
)
def lab_lesson_05():
    @task
    def create_table() -> None:
        """Creates the table the first time (the lab role owns what it creates)."""
        PostgresHook(postgres_conn_id=LAB).run(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "day date PRIMARY KEY, orders integer NOT NULL, revenue numeric(14, 2) NOT NULL)"
        )

    # TODO 2: a task load_day that writes one row to TABLE: the orders placed on the day before
    #         the run's logical date (UTC), every status, and their revenue (sum of total_amount).
    #         A run that runs again replaces its day's row.
    # TODO 3: load_day runs after create_table.
    create_table()


lab_lesson_05()
