"""datapark_dbt_build: `dbt build` of apps/dbt-shop (raw and source -> analytics, with its tests)
after each batch run, then `dbt source freshness`.

A thin rendering rather than astronomer-cosmos: dbt lives in its own venv (.venv-dbt; its pins
would move packages under Airflow), and apps/dbt-shop/bin/dbt.sh already runs it as the `dbt` role
with the connection from the platform's configuration; cosmos would add a dependency to Airflow's
lock for what two BashOperators do. dbt itself orders the models and their tests, and a failing
test fails `dbt_build`, so the DAG run fails. Scheduled on the asset datapark_batch_etl emits.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import dag

from datapark_dags.assets import BATCH_ETL_DONE

DAG_ID = "datapark_dbt_build"
# The DAG folder is <checkout>/apps/airflow-dags/dags on the local platform.
DBT = Path(__file__).resolve().parents[3] / "apps" / "dbt-shop" / "bin" / "dbt.sh"
RUN_DBT = (
    f'[ -f "{DBT}" ] || {{ echo "no dbt project at {DBT}: this DAG runs where the checkout is '
    f'(the local platform)" >&2; exit 1; }}; bash "{DBT}"'
)


@dag(
    dag_id=DAG_ID,
    description="dbt build of apps/dbt-shop (models and tests into analytics) after the batch",
    schedule=[BATCH_ETL_DONE],
    start_date=pendulum.datetime(2000, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=30),
    tags=["datapark", "dbt", "elt", "quality"],
    default_args={"owner": "datapark", "retries": 1, "retry_delay": timedelta(minutes=1)},
)
def datapark_dbt_build():
    build = BashOperator(
        task_id="dbt_build",
        bash_command=f"{RUN_DBT} build",
        execution_timeout=timedelta(minutes=20),
        # A failing dbt test is not transient: retrying would only run the build again.
        retries=0,
    )
    freshness = BashOperator(
        task_id="dbt_source_freshness",
        bash_command=f"{RUN_DBT} source freshness",
        execution_timeout=timedelta(minutes=5),
    )
    build >> freshness


datapark_dbt_build()
