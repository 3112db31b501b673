"""Renders a dbt project as an Airflow DAG, one task group per model (`run`, then `test` when the
model has tests), from the plan datapark_dags.dbt_manifest reads out of a deployed manifest.

Every task gets a target path of its own under `runs_dir/<run id>/<task id>` (dbt's
--target-path and --log-path), so two tasks running at once never overwrite each other's
run_results.json, compiled SQL or dbt.log; each starts from the deployed manifest's
partial_parse.msgpack, so dbt does not parse the whole project again in every task.
`record_results` then reads every task's run_results.json of the run into the `quality` schema,
and `dbt_docs` regenerates the docs Airflow serves at /dbt-docs/ (apps/airflow-dags/plugins).
"""

from __future__ import annotations

import json
import shlex
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, TaskGroup, task

from datapark_dags.dbt_manifest import SOURCE_TESTS, ManifestError, load_manifest, plan_from_manifest

#: Runs of a DAG whose task artifacts record_results keeps (the newest), for a look afterwards.
KEEP_RUNS = 5
#: What every task's target holds that the run_results do not need: 1.3 MB a task, dropped once
#: recorded (the compiled SQL, run_results.json and dbt.log stay).
BULKY = ("manifest.json", "partial_parse.msgpack", "graph.gpickle", "semantic_manifest.json")
POSTGRES = "datapark_postgres"


def _dbt(project: Path, target: str, args: list[str], dbt_vars: dict[str, Any] | None) -> str:
    """The bash line of one dbt call with a target path of its own (`target` is already a shell
    word), seeded with the deployed manifest's partial parse state."""
    deployed = shlex.quote(str(project / "target" / "deploy" / "partial_parse.msgpack"))
    extra = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    dbt = shlex.quote(str(project / "bin" / "dbt.sh"))
    return (
        f"mkdir -p {target} && {{ cp {deployed} {target}/ 2>/dev/null || true; }} && "
        f"bash {dbt} {shlex.join(args)} --target-path {target} --log-path {target}/logs "
        f"{shlex.join(extra)}"
    ).rstrip()


def _target(runs_dir: Path, task_id: str) -> str:
    # Airflow renders the run id; it holds ':' and '+', which a path takes but a shell word
    # must quote, hence the double quotes.
    return f'"{runs_dir}/{{{{ run_id }}}}/{task_id}"'


def _missing_manifest_dag(dag_id: str, error: ManifestError, **dag_kwargs: Any) -> DAG:
    """Without a manifest the DAG still parses, as one task that fails saying how to make it."""
    with DAG(dag_id=dag_id, **dag_kwargs) as dag:
        BashOperator(
            task_id="manifest_missing",
            bash_command=f"echo {shlex.quote(str(error))} >&2; exit 1",
            retries=0,
        )
    return dag


def dbt_models_dag(
    dag_id: str,
    project: Path,
    runs_dir: Path,
    manifest_path: Path | None = None,
    dbt_vars: dict[str, Any] | None = None,
    generate_docs: bool = True,
    **dag_kwargs: Any,
) -> DAG:
    """The DAG of `project`'s models and tests as the manifest (default: the deployed one,
    project/target/deploy/manifest.json) has them; with `generate_docs`, a last task
    regenerates the project's dbt docs."""
    dag_kwargs.setdefault("start_date", pendulum.datetime(2000, 1, 1, tz="UTC"))
    dag_kwargs.setdefault("catchup", False)
    # Two runs at once would rebuild the same tables under each other.
    dag_kwargs.setdefault("max_active_runs", 1)
    manifest_path = manifest_path or project / "target" / "deploy" / "manifest.json"
    try:
        manifest = load_manifest(manifest_path)
    except ManifestError as error:
        return _missing_manifest_dag(dag_id, error, **dag_kwargs)
    plan = plan_from_manifest(manifest)

    def test_task(task_id: str, tests: tuple[str, ...], group_prefix: str = "") -> BashOperator:
        return BashOperator(
            task_id=task_id,
            bash_command=_dbt(
                project, _target(runs_dir, group_prefix + task_id), ["test", "--select", *tests], dbt_vars
            ),
            execution_timeout=timedelta(minutes=10),
            # A failing test is not transient: a retry would only fail again.
            retries=0,
        )

    with DAG(dag_id=dag_id, **dag_kwargs) as dag:
        last: dict[str, Any] = {}
        if plan.source_tests:
            last[SOURCE_TESTS] = test_task(SOURCE_TESTS, plan.source_tests)
        for step in plan.steps:
            with TaskGroup(group_id=step.name) as group:
                first = None
                if step.builds:
                    first = BashOperator(
                        task_id="run",
                        bash_command=_dbt(
                            project,
                            _target(runs_dir, f"{step.name}.run"),
                            [step.command, "--select", step.name],
                            dbt_vars,
                        ),
                        execution_timeout=timedelta(minutes=15),
                    )
                if step.tests:
                    tested = test_task("test", step.tests, f"{step.name}.")
                    if first:
                        first >> tested
            last[step.name] = group
        for step in plan.steps:
            for name in step.upstream:
                last[name] >> last[step.name]
        for name, (tests, models) in plan.shared_tests.items():
            shared = test_task(name, tests)
            for model in models:
                last[model] >> shared
            last[name] = shared

        @task(trigger_rule="all_done")
        def record_results(**context) -> dict:
            """Every task's run_results.json of this run as rows of the `quality` schema."""
            return _record_results(manifest, runs_dir, dag_id, context["run_id"])

        # Teardowns: they run whatever failed, and the run's state is its models' and tests'.
        finals = [record_results().as_teardown()]
        if generate_docs:
            extra = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
            docs = BashOperator(
                task_id="dbt_docs",
                # The trailing space: a command ending in `.sh` is read as a template file.
                bash_command=shlex.join(["bash", str(project / "bin" / "docs.sh"), *extra]) + " ",
                execution_timeout=timedelta(minutes=10),
            )
            finals.append(docs.as_teardown())
        for node in last.values():
            node >> finals
    return dag


def _record_results(manifest: dict, runs_dir: Path, dag_id: str, run_id: str) -> dict:
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    from datapark_dags.dbt_results import quality_rows, record_quality

    run_dir = runs_dir / run_id
    results = []
    for path in sorted(run_dir.glob("*/run_results.json")):
        results += json.loads(path.read_text()).get("results", [])
    for bulky in (p for name in BULKY for p in run_dir.glob(f"*/{name}")):
        bulky.unlink(missing_ok=True)
    rows = quality_rows({"results": results}, manifest)
    conn = PostgresHook(postgres_conn_id=POSTGRES).get_conn()
    quality_run, passed = record_quality(conn, f"{dag_id} {run_id}", rows)
    runs = sorted((d for d in runs_dir.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime)
    for old in runs[:-KEEP_RUNS]:
        shutil.rmtree(old, ignore_errors=True)
    return {"quality_run": quality_run, "checks": len(rows), "passed": passed, "results": len(results)}
