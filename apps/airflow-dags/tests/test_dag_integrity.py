"""Every DAG we parse (the platform's, the SDK's test DAGs, the lab's example) imports cleanly and
follows the rules.

The rules, for anyone adding a DAG: no import errors, an `owner` other than Airflow's default,
at least one tag, `retries` set in default_args (>= 1, except in a DAG tagged `test` that must
fail on its first attempt), and no cycles.
"""

from __future__ import annotations

import shutil

import pendulum
import pytest

from conftest import DAGS, LAB_EXAMPLE_DAG, TEST_DAGS


def _bag(folder):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(folder))


@pytest.fixture(scope="module")
def platform_dagbag():
    return _bag(DAGS)


@pytest.fixture(
    scope="module", params=[DAGS, TEST_DAGS, LAB_EXAMPLE_DAG], ids=["platform", "sdk-tests", "lab-example"]
)
def dagbag(request, platform_dagbag):
    return platform_dagbag if request.param == DAGS else _bag(request.param)


def test_every_dag_file_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}, "\n".join(f"{f}:\n{e}" for f, e in dagbag.import_errors.items())


def test_the_platform_dags_are_there_and_no_test_dag_is(platform_dagbag):
    assert {"datapark_batch_etl", "datapark_streaming_keeper"} <= set(platform_dagbag.dag_ids)
    # The platform's folder is what the chart ships: the SDK's test DAGs live in their own.
    assert [d for d in platform_dagbag.dag_ids if d.startswith("client_test")] == []


def test_the_dag_folder_parses_the_same_when_mounted_from_a_configmap(tmp_path, platform_dagbag):
    # The chart mounts the DAGs from a ConfigMap, which the kubelet lays out as a timestamped
    # directory, a "..data" link to it and one link per entry into "..data". Walked with its
    # links followed, as Airflow walks, that holds every file three times: a loop Airflow refuses
    # or duplicate DAGs, unless the .airflowignore leaves the ".." entries out.
    stamp = tmp_path / "..2026_12_05_00_00_00.000000000"
    shutil.copytree(DAGS, stamp, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "..data").symlink_to(stamp.name)
    for entry in stamp.iterdir():
        (tmp_path / entry.name).symlink_to(f"..data/{entry.name}")
    mounted = _bag(tmp_path)
    assert mounted.import_errors == {}
    assert set(mounted.dag_ids) == set(platform_dagbag.dag_ids)
    assert [d.fileloc for d in mounted.dags.values() if "/.." in d.fileloc] == []


def test_the_sdk_test_dags_are_in_their_own_folder():
    assert {"client_test_ok", "client_test_fail"} <= set(_bag(TEST_DAGS).dag_ids)


def test_every_dag_has_an_owner_tags_and_retries(dagbag):
    problems = []
    for dag_id, dag in dagbag.dags.items():
        owners = {task.owner for task in dag.tasks}
        if not owners or owners & {"airflow", "", None}:
            problems.append(f"{dag_id}: set default_args owner (tasks have {sorted(map(str, owners))})")
        if not dag.tags:
            problems.append(f"{dag_id}: add tags")
        if "retries" not in dag.default_args:
            problems.append(f"{dag_id}: set default_args retries")
        elif int(dag.default_args["retries"]) < 1 and "test" not in dag.tags:
            problems.append(f"{dag_id}: set default_args retries >= 1 (only a `test` DAG may have 0)")
    assert problems == []


def test_no_dag_has_a_cycle(dagbag):
    for dag_id, dag in dagbag.dags.items():
        state: dict[str, str] = {}

        def visit(task_id: str, path: tuple[str, ...], dag=dag, dag_id=dag_id, state=state) -> None:
            if state.get(task_id) == "done":
                return
            assert task_id not in path, f"{dag_id}: cycle {' -> '.join((*path, task_id))}"
            for downstream in dag.get_task(task_id).downstream_task_ids:
                visit(downstream, (*path, task_id))
            state[task_id] = "done"

        for task_id in dag.task_ids:
            visit(task_id, ())


def test_the_batch_etl_runs_spark_then_checks_then_records(platform_dagbag):
    dag = platform_dagbag.dags["datapark_batch_etl"]
    order = ["target_day", "start_run", "extract_source", "submit_spark_job", "wait_for_spark_job"]
    for upstream, downstream in zip(order, order[1:], strict=False):
        assert downstream in dag.get_task(upstream).downstream_task_ids, f"{upstream} -> {downstream}"
    checks = {
        t.task_id
        for t in dag.tasks
        if type(t).__name__ in {"SQLColumnCheckOperator", "SQLTableCheckOperator"}
    }
    assert len(checks) >= 3
    assert checks <= dag.get_task("wait_for_spark_job").downstream_task_ids
    assert checks <= dag.get_task("finish_run").upstream_task_ids
    assert dag.get_task("record_failure").trigger_rule == "one_failed"
    assert all(dag.get_task(t).execution_timeout for t in dag.task_ids)


def test_the_batch_etl_builds_the_lake_after_recording_processed(platform_dagbag):
    dag = platform_dagbag.dags["datapark_batch_etl"]
    assert dag.get_task("finish_run").downstream_task_ids == {"lake_day"}
    assert dag.get_task("lake_day").downstream_task_ids == {"submit_lake_job"}
    assert dag.get_task("submit_lake_job").downstream_task_ids == {"wait_for_lake_job"}
    # A lake that disagrees fails the DAG run, not the batch etl.job_runs recorded.
    assert (
        not {"lake_day", "submit_lake_job", "wait_for_lake_job"}
        & dag.get_task("record_failure").upstream_task_ids
    )
    assert dag.params["lake"] is True
    # Every midnight UTC for the day before; unpaused, it waits for the next midnight instead of
    # running yesterday at once beside the run that unpaused it.
    assert dag.start_date is None
    assert first_run_after(dag, "2026-12-05T16:00:00Z") == pendulum.parse("2026-12-06T00:00:00Z")
    assert first_run_after(dag, "2026-12-06T00:30:00Z") == pendulum.parse("2026-12-07T00:00:00Z")


def test_the_lake_step_takes_closed_days_where_the_lake_is_set_up():
    from datapark_dags.lake_day import lake_skip_reason, no_events_reason

    def reason(day="2026-12-03", wanted=True, configured=True):
        return lake_skip_reason(day, wanted=wanted, configured=configured, today="2026-12-05")

    assert reason() is None
    assert reason("2026-12-04") is None
    assert "not over (today is 2026-12-05 UTC)" in reason("2026-12-05")
    assert "not over" in reason("2027-01-01")
    assert "lake = false" in reason(wanted=False)
    assert 'extra "lake": true' in reason(configured=False)
    assert no_events_reason("2026-12-03", 12) is None
    assert "no order event of 2026-12-03 in raw" in no_events_reason("2026-12-03", 0)


def test_the_spark_connection_says_whether_the_lake_is_set_up(monkeypatch):
    import json

    from datapark_dags.spark_connection import SparkConnection

    def connection(extra: dict) -> SparkConnection:
        conn = {"conn_type": "http", "host": "127.0.0.1", "port": 16066, "extra": extra}
        monkeypatch.setenv("AIRFLOW_CONN_DATAPARK_SPARK_REST", json.dumps(conn))
        return SparkConnection.get()

    assert connection({"lake": True}).lake is True
    assert connection({}).lake is False
    assert connection({"lake": "yes"}).lake is False


def first_run_after(dag, now: str):
    """When the scheduler would first run `dag` if it were unpaused at `now` (catchup off)."""
    from unittest import mock

    import airflow.timetables.trigger as trigger
    from airflow.serialization.decoders import decode_timetable
    from airflow.serialization.encoders import encode_timetable
    from airflow.timetables.base import TimeRestriction

    timetable = decode_timetable(encode_timetable(dag.timetable))
    with mock.patch.object(trigger, "utcnow", return_value=pendulum.parse(now)):
        info = timetable.next_dagrun_info(
            last_automated_data_interval=None,
            restriction=TimeRestriction(earliest=None, latest=None, catchup=False),
        )
    return info.run_after


def test_the_lake_maintenance_submits_the_maintenance_job_then_waits_for_it(platform_dagbag):
    dag = platform_dagbag.dags["datapark_lake_maintenance"]
    assert dag.max_active_runs == 1
    assert dag.get_task("submit_maintenance").downstream_task_ids == {"wait_for_maintenance"}
    assert dag.params["retain_last"] == 5
    # None: the job's own default, a day before the run.
    assert dag.params["expire_older_than"] is None
    # Unpaused, it waits for the next Sunday 03:00 UTC, whenever in the week that is: even an
    # hour after a Sunday's run (the scheduler's timetable is the serialized DAG's, decoded).
    assert dag.start_date is None
    assert first_run_after(dag, "2026-12-05T16:00:00Z") == pendulum.parse("2026-12-06T03:00:00Z")
    assert first_run_after(dag, "2026-12-06T04:00:00Z") == pendulum.parse("2026-12-13T03:00:00Z")
    assert first_run_after(dag, "2026-12-06T02:59:00Z") == pendulum.parse("2026-12-06T03:00:00Z")
