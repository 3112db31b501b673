"""datapark_streaming_keeper on the real platform: it starts the streaming job, leaves a running
driver alone, and submits it again once the driver was killed."""

from __future__ import annotations

import time
import uuid

import pytest

from datapark_sdk.spark import ACTIVE_STATES, TERMINAL_STATES, SparkRestClient, SubmissionNotFoundError

DAG_ID = "datapark_streaming_keeper"
VARIABLE = "datapark_streaming_submission_id"


@pytest.fixture(scope="module")
def spark_rest() -> SparkRestClient:
    return SparkRestClient.from_config()


def driver_state(spark_rest: SparkRestClient, submission_id: str) -> str:
    try:
        return spark_rest.status(submission_id)["driverState"]
    except SubmissionNotFoundError:
        return "UNKNOWN"


def kill(spark_rest: SparkRestClient, submission_id: str) -> None:
    spark_rest.kill(submission_id)
    deadline = time.monotonic() + 120
    while driver_state(spark_rest, submission_id) not in TERMINAL_STATES:
        assert time.monotonic() < deadline, f"driver {submission_id} did not stop"
        time.sleep(2)


def submission(airflow) -> str | None:
    response = airflow._send("GET", f"{airflow.url}/api/v2/variables/{VARIABLE}")
    return response.json()["value"] if response.status_code == 200 else None


@pytest.fixture(scope="module")
def keeper(airflow, spark_rest):
    """Unpaused for the test; afterwards paused again and its driver killed."""
    was_paused = airflow.call("GET", f"/dags/{DAG_ID}")["is_paused"]
    airflow.call("PATCH", f"/dags/{DAG_ID}", json={"is_paused": False})
    yield
    if was_paused:
        airflow.call("PATCH", f"/dags/{DAG_ID}", json={"is_paused": True})
        # A scheduled run already under way could still submit: let it end before the kill.
        deadline = time.monotonic() + 300
        while (
            time.monotonic() < deadline
            and airflow.call("GET", f"/dags/{DAG_ID}/dagRuns?state=running&state=queued")["total_entries"]
        ):
            time.sleep(3)
    current = submission(airflow)
    if current:
        kill(spark_rest, current)


def run_keeper(airflow) -> dict[str, str | None]:
    run_id = f"test-{uuid.uuid4()}"
    airflow.call("POST", f"/dags/{DAG_ID}/dagRuns", json={"dag_run_id": run_id, "logical_date": None})
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        state = airflow.call("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}")["state"]
        if state in {"success", "failed"}:
            break
        time.sleep(3)
    tis = airflow.call("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")["task_instances"]
    states = {ti["task_id"]: ti["state"] for ti in tis}
    assert state == "success", f"{DAG_ID} run {run_id} ended {state}: {states}"
    return states


def test_the_keeper_starts_the_job_leaves_it_running_and_restarts_it_after_a_kill(
    airflow, spark_rest, keeper
):
    previous = submission(airflow)
    if previous and driver_state(spark_rest, previous) in ACTIVE_STATES:
        kill(spark_rest, previous)

    run_keeper(airflow)
    first = submission(airflow)
    assert first and first != previous
    assert driver_state(spark_rest, first) == "RUNNING"

    # Running: nothing submitted.
    states = run_keeper(airflow)
    assert states["resubmit"] == "skipped"
    assert submission(airflow) == first

    # Killed: submitted again, from the same checkpoint.
    kill(spark_rest, first)
    states = run_keeper(airflow)
    assert states["resubmit"] == "success"
    second = submission(airflow)
    assert second and second != first
    assert driver_state(spark_rest, second) == "RUNNING"
