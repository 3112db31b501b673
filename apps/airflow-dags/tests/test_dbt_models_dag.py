"""datapark_dbt_models: the dbt project rendered model by model from its deployed manifest.

The plan and the parse are checked here; the runs go through the platform's real Airflow (its
scheduler, Celery workers and the `test-dags` bundle): a run of the whole project succeeds, and
with the negative models enabled a model that fails fails its own task and what is built on it,
and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import DAGS, ROOT, state_dir

PROJECT = ROOT / "apps" / "dbt-shop"
DBT_VENV = ROOT / ".venv-dbt" / "bin" / "dbt"
needs_dbt = pytest.mark.skipif(
    not DBT_VENV.exists(), reason="no .venv-dbt: install it with bash tools/ci/dbt.sh"
)


def parse(target: Path, *args: str) -> Path:
    """`dbt parse` into `target` (no database needed beyond the profile's settings)."""
    subprocess.run(
        ["bash", str(PROJECT / "bin" / "dbt.sh"), "parse", "--target-path", str(target), *args],
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )
    return target / "manifest.json"


@pytest.fixture(scope="module")
def deployed_manifest() -> dict:
    """The manifest the platform's DAG reads, made as deploy makes it (bin/manifest.sh)."""
    manifest = PROJECT / "target" / "deploy" / "manifest.json"
    if not manifest.exists():
        if not DBT_VENV.exists():
            pytest.skip("no .venv-dbt: install it with bash tools/ci/dbt.sh")
        subprocess.run(["bash", str(PROJECT / "bin" / "manifest.sh")], check=True, timeout=600)
    return json.loads(manifest.read_text())


def test_the_plan_has_every_model_once_with_its_tests_after_it(deployed_manifest):
    from datapark_dags.dbt_manifest import SOURCE_TESTS, plan_from_manifest

    plan = plan_from_manifest(deployed_manifest)
    models = {n["name"] for n in deployed_manifest["nodes"].values() if n["resource_type"] == "model"}
    assert {s.name for s in plan.steps} == models
    funnel = plan.step("fct_funnel")
    assert funnel.upstream == ("fct_sessions", "stg_order_events")
    assert plan.step("stg_order_events").upstream == (SOURCE_TESTS,)
    # The unit test checks fct_sessions with its data tests; a test on a model and a source
    # (relationships to source.customers) runs after the model.
    assert "fct_sessions_folds_a_session_into_its_funnel_steps" in plan.step("fct_sessions").tests
    assert any(t.startswith("relationships_") for t in plan.step("customer_lifetime_value").tests)
    tests = sum(len(s.tests) for s in plan.steps) + len(plan.source_tests)
    in_manifest = [
        n
        for n in deployed_manifest["nodes"].values()
        if n["resource_type"] == "test" and n["depends_on"]["nodes"]
    ]
    assert tests == len(in_manifest) + len(deployed_manifest["unit_tests"])


def test_a_missing_manifest_parses_as_one_task_that_says_how_to_make_it(tmp_path):
    from datapark_dags.dbt_models_dag import dbt_models_dag

    dag = dbt_models_dag(
        "missing", PROJECT, tmp_path, manifest_path=tmp_path / "manifest.json", schedule=None
    )
    (only,) = dag.tasks
    assert "npx nx run dbt-shop:manifest" in only.bash_command


def test_the_dag_parses_with_a_task_group_per_model_ordered_as_the_manifest(deployed_manifest):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS / "datapark_dbt_models.py"))
    assert bag.import_errors == {}
    dag = bag.dags["datapark_dbt_models"]
    models = {n["name"] for n in deployed_manifest["nodes"].values() if n["resource_type"] == "model"}
    runs = {t.task_id.removesuffix(".run") for t in dag.tasks if t.task_id.endswith(".run")}
    assert runs == models
    assert dag.get_task("fct_funnel.run").upstream_task_ids == {"fct_sessions.test", "stg_order_events.test"}
    assert dag.get_task("stg_clickstream_events.run").upstream_task_ids == {"source_tests"}
    # Every task writes its own target path, under the run's folder.
    targets = {
        t.task_id: t.bash_command.split('--target-path "')[1].split('"')[0]
        for t in dag.tasks
        if "dbt.sh" in getattr(t, "bash_command", "")
    }
    assert len(set(targets.values())) == len(targets)
    assert all("{{ run_id }}" in target for target in targets.values())
    assert dag.get_task("record_results").is_teardown
    assert dag.get_task("dbt_docs").is_teardown
    assert dag.get_task("dbt_docs").upstream_task_ids >= {"fct_funnel.test", "stg_clickstream_events.run"}


# The live runs: a DAG file in the platform's test-dags bundle that renders this checkout's
# project from a manifest the test parses, into a runs folder of the test's own.

WRAPPER = '''"""Written by {test}: this checkout's dbt project as an Airflow DAG ({dag_id}); removed after."""
import sys
from pathlib import Path

sys.path.insert(0, {dags!r})
for name in [n for n in sys.modules if n.split(".")[0] == "datapark_dags"]:
    del sys.modules[name]  # the platform's own checkout's package, should it be loaded

from datapark_dags.dbt_models_dag import dbt_models_dag

dbt_models_dag(
    dag_id={dag_id!r},
    project=Path({project!r}),
    runs_dir=Path({runs!r}),
    manifest_path=Path({manifest!r}),
    dbt_vars={dbt_vars!r},
    generate_docs={generate_docs!r},
    schedule=None,
    tags=["datapark", "test", "dbt"],
    default_args={{"owner": "datapark", "retries": 0}},
)
'''


@pytest.fixture
def live_dag(airflow, tmp_path_factory):
    """live_dag(name, dbt_vars) -> dag_id: the DAG installed in the test-dags bundle and parsed."""
    bundle = state_dir() / "airflow" / "test-dags"
    if not bundle.is_dir():
        pytest.skip(f"{bundle} missing: the local platform's Airflow is not up")
    installed = []

    def install(name: str, dbt_vars: dict | None) -> str:
        dag_id = f"dbt_models_test_{name}_{os.getpid()}"
        # The negative models stay out of the docs Airflow serves.
        generate_docs = not dbt_vars
        work = state_dir() / "dbt" / "test-runs" / dag_id
        args = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
        manifest = parse(work / "manifest", *args)
        path = bundle / f"{dag_id}.py"
        path.write_text(
            WRAPPER.format(
                test=Path(__file__).name,
                dag_id=dag_id,
                dags=str(DAGS),
                project=str(PROJECT),
                runs=str(work / "runs"),
                manifest=str(manifest),
                dbt_vars=dbt_vars,
                generate_docs=generate_docs,
            )
        )
        installed.append((path, dag_id, work))
        deadline = time.monotonic() + 300
        while True:
            found = airflow._send("GET", f"{airflow.url}/api/v2/dags/{dag_id}")
            if found.ok:
                break
            errors = airflow.call("GET", "/importErrors", params={"limit": 100})["import_errors"]
            mine = [e["stack_trace"] for e in errors if dag_id in e["filename"]]
            assert not mine, mine[0]
            assert time.monotonic() < deadline, f"{dag_id} not parsed within 300 s"
            time.sleep(3)
        airflow.call("PATCH", f"/dags/{dag_id}", json={"is_paused": False})
        return dag_id

    yield install
    for path, dag_id, work in installed:
        path.unlink(missing_ok=True)
        # Out of the shared Airflow's metadata too, and its artifacts off the disk.
        airflow._send("DELETE", f"{airflow.url}/api/v2/dags/{dag_id}")
        shutil.rmtree(work, ignore_errors=True)


def run_to_the_end(airflow, dag_id: str, timeout_s: int = 1500) -> tuple[str, dict[str, str]]:
    run = airflow.call("POST", f"/dags/{dag_id}/dagRuns", json={"logical_date": None})
    deadline = time.monotonic() + timeout_s
    while True:
        state = airflow.call("GET", f"/dags/{dag_id}/dagRuns/{run['dag_run_id']}")["state"]
        if state in {"success", "failed"}:
            break
        assert time.monotonic() < deadline, f"{dag_id} run still {state} after {timeout_s} s"
        time.sleep(5)
    tis = airflow.call(
        "GET", f"/dags/{dag_id}/dagRuns/{run['dag_run_id']}/taskInstances", params={"limit": 200}
    )
    return state, {ti["task_id"]: ti["state"] for ti in tis["task_instances"]}


@needs_dbt
def test_a_run_on_the_platform_builds_every_model_and_test(airflow, live_dag, deployed_manifest, connect):
    dag_id = live_dag("ok", None)
    docs = PROJECT / "target" / "docs" / "index.html"
    docs_before = docs.stat().st_mtime if docs.exists() else 0
    state, tasks = run_to_the_end(airflow, dag_id)
    assert {t: s for t, s in tasks.items() if s != "success"} == {}
    assert state == "success"
    assert "dbt_docs" in tasks and docs.stat().st_mtime > docs_before
    models = {n["name"] for n in deployed_manifest["nodes"].values() if n["resource_type"] == "model"}
    assert {t.removesuffix(".run") for t in tasks if t.endswith(".run")} == models
    with connect("analyst").cursor() as cur:
        cur.execute(
            "SELECT r.status, count(*) FROM quality.check_runs r JOIN quality.check_results c USING (run_id) "
            "WHERE r.triggered_by LIKE %s GROUP BY r.status",
            (f"{dag_id} %",),
        )
        status, checks = cur.fetchone()
    # Every task's run_results.json was its own: all the tests' results were recorded.
    tests = [
        n
        for n in deployed_manifest["nodes"].values()
        if n["resource_type"] == "test" and n["depends_on"]["nodes"]
    ]
    assert (status, checks) == ("passed", len(tests) + len(deployed_manifest["unit_tests"]))


@needs_dbt
def test_a_failing_model_fails_its_task_and_its_downstream_only(airflow, live_dag):
    dag_id = live_dag("negative", {"datapark_negative": True})
    state, tasks = run_to_the_end(airflow, dag_id)
    assert state == "failed"
    assert tasks["negative_broken.run"] == "failed"
    assert tasks["negative_downstream.run"] == "upstream_failed"
    # The ephemeral fixture has no run task; its duplicate key fails its unique test.
    assert "negative_fixture.run" not in tasks
    assert tasks["negative_fixture.test"] == "failed"
    others = {t: s for t, s in tasks.items() if not t.startswith("negative_")}
    assert {t: s for t, s in others.items() if s != "success"} == {}
    assert "fct_funnel.test" in others
