"""datapark_dbt_build: scheduled on the batch's asset, and run whole by Airflow's own dag.test()
in this test's throw-away Airflow home: its BashOperators run apps/dbt-shop's `dbt build` and
`dbt source freshness` against the real PostgreSQL as the dbt role."""

from __future__ import annotations

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
    assert dbt.get_task("dbt_build").downstream_task_ids == {"dbt_source_freshness"}


@pytest.mark.skipif(not DBT_VENV.exists(), reason="no .venv-dbt: install it with bash tools/ci/dbt.sh")
def test_the_dag_builds_the_dbt_project_on_the_platform(endpoints, connect):
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils import db

    db.initdb()  # the throw-away home's SQLite metadata database, which dag.test() records into
    bag = DagBag(dag_folder=str(DAGS / "datapark_dbt_build.py"))
    assert bag.import_errors == {}
    run = bag.dags["datapark_dbt_build"].test()
    assert run.state == "success"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {"dbt_build": "success", "dbt_source_freshness": "success"}
    with connect("analyst").cursor() as cur:
        cur.execute("SELECT count(*) FROM analytics.fct_funnel")
        assert cur.fetchone()[0] > 0
