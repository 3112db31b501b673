"""datapark_dbt_build: scheduled on the batch's asset, and run whole by Airflow's own dag.test()
in this test's throw-away Airflow home: its BashOperators run apps/dbt-shop's `dbt build` and
`dbt source freshness` against the real PostgreSQL as the dbt role."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import DAGS, ROOT

DBT_VENV = ROOT / ".venv-dbt" / "bin" / "dbt"


@pytest.fixture(scope="module")
def platform_dagbag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    return bag


def test_the_dbt_build_runs_after_the_batch(platform_dagbag):
    batch = platform_dagbag.dags["datapark_batch_etl"]
    dbt = platform_dagbag.dags["datapark_dbt_build"]
    emitted = {outlet.uri for outlet in batch.get_task("finish_run").outlets}
    assert emitted == {"datapark://batch-etl/done"}
    assert [asset.uri for asset in dbt.timetable.asset_condition.objects] == ["datapark://batch-etl/done"]
    assert dbt.get_task("dbt_build").downstream_task_ids == {"dbt_source_freshness", "record_results"}
    assert dbt.get_task("record_results").trigger_rule == "all_done"


@pytest.fixture
def airflow_connection(endpoints, monkeypatch):
    """The airflow role's connection, in the form the local platform defines it (AIRFLOW_CONN_*)."""
    pg = endpoints["postgres"]
    monkeypatch.setenv(
        "AIRFLOW_CONN_DATAPARK_POSTGRES",
        json.dumps(
            {
                "conn_type": "postgres",
                "host": pg.get("host", "127.0.0.1"),
                "port": pg.get("port", 15432),
                "schema": pg.get("database", "datapark"),
                "login": "airflow",
                "password": pg["roles"]["airflow"]["password"],
            }
        ),
    )


RAW_TABLES = ("order_events", "customer_events", "product_events", "clickstream_events")


@pytest.fixture
def raw_has_events(connect):
    """Every raw table holds rows, as the sources' freshness needs: dbt calls an empty table
    ERROR STALE. On a fresh platform (npm test runs this before the ingest tests) one day of the
    shop goes through Kafka and ingest first, as the demo does."""

    def empty() -> list[str]:
        with connect("analyst").cursor() as cur:
            found = []
            for table in RAW_TABLES:
                cur.execute(f"SELECT EXISTS (SELECT 1 FROM raw.{table})")
                if not cur.fetchone()[0]:
                    found.append(table)
            return found

    if empty():
        for command in (
            ["apps/event-generator/dist/cli.js", "--mode", "backfill", "--days", "1"]
            + ["--sink", "kafka", "--seed", "42"],
            ["apps/etl-driver/dist/cli.js", "ingest", "--until-caught-up"],
        ):
            subprocess.run(["node", *command], cwd=ROOT, check=True, timeout=900)
    assert empty() == [], "raw tables still empty after a day of the shop was ingested"


@pytest.mark.skipif(not DBT_VENV.exists(), reason="no .venv-dbt: install it with bash tools/ci/dbt.sh")
def test_the_dag_builds_the_dbt_project_and_records_its_tests_in_quality(
    airflow_connection, connect, raw_has_events
):
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils import db

    db.initdb()  # the throw-away home's SQLite metadata database, which dag.test() records into
    bag = DagBag(dag_folder=str(DAGS / "datapark_dbt_build.py"))
    assert bag.import_errors == {}
    run = bag.dags["datapark_dbt_build"].test()
    assert run.state == "success"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {"dbt_build": "success", "dbt_source_freshness": "success", "record_results": "success"}
    with connect("analyst").cursor() as cur:
        cur.execute("SELECT count(*) FROM analytics.fct_funnel")
        assert cur.fetchone()[0] > 0
        # What datapark-etl report reads: this run, passed, with every dbt test and freshness.
        cur.execute(
            "SELECT r.status, count(*) FILTER (WHERE c.check_name LIKE 'dbt.%%'), "
            "count(*) FILTER (WHERE c.check_name LIKE 'dbt.freshness_%%'), "
            "count(*) FILTER (WHERE k.kind = 'reconcile'), bool_and(c.passed) "
            "FROM quality.check_runs r JOIN quality.check_results c USING (run_id) "
            "JOIN quality.checks k USING (check_name) WHERE r.triggered_by = %s GROUP BY r.status",
            (f"datapark_dbt_build {run.run_id}",),
        )
        status, dbt_checks, freshness, reconcile, all_passed = cur.fetchone()
    assert (status, freshness, reconcile, all_passed) == ("passed", 4, 1, True)
    assert dbt_checks >= 35 + 4  # the data tests and the unit test, and the four sources
