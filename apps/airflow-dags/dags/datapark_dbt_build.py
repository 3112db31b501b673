"""datapark_dbt_build: `dbt build` of apps/dbt-shop (raw and source -> analytics, with its tests)
after each batch run, then `dbt source freshness`.

A thin rendering rather than astronomer-cosmos: dbt lives in its own venv (.venv-dbt; its pins
would move packages under Airflow), and apps/dbt-shop/bin/dbt.sh already runs it as the `dbt` role
with the connection from the platform's configuration; cosmos would add a dependency to Airflow's
lock for what two BashOperators do. dbt itself orders the models and their tests, and a failing
test fails `dbt_build`, so the DAG run fails. Scheduled on the asset datapark_batch_etl emits.
`record_results` then writes every dbt test's result (and the sources' freshness) into the
`quality` schema beside the ETL driver's checks, failed build or not.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import dag, task

from datapark_dags.assets import BATCH_ETL_DONE
from datapark_dags.dbt_results import quality_rows, record_quality

DAG_ID = "datapark_dbt_build"
# The DAG folder is <checkout>/apps/airflow-dags/dags on the local platform.
PROJECT = Path(__file__).resolve().parents[3] / "apps" / "dbt-shop"
DBT = PROJECT / "bin" / "dbt.sh"
POSTGRES = "datapark_postgres"
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

    @task(trigger_rule="all_done")
    def record_results(**context) -> dict:
        """dbt's test results into quality.check_runs/check_results (as the airflow role, which
        writes `quality`), whether the build passed or not, so the report shows them."""
        target = PROJECT / "target"
        run_results = json.loads((target / "run_results.json").read_text())
        manifest = json.loads((target / "manifest.json").read_text())
        sources_file = target / "sources.json"
        sources = json.loads(sources_file.read_text()) if sources_file.exists() else None
        rows = quality_rows(run_results, manifest, sources)
        conn = PostgresHook(postgres_conn_id=POSTGRES).get_conn()
        run_id, passed = record_quality(conn, f"{DAG_ID} {context['dag_run'].run_id}", rows)
        return {"run_id": run_id, "checks": len(rows), "passed": passed}

    recorded = record_results()
    build >> freshness >> recorded
    build >> recorded


datapark_dbt_build()
