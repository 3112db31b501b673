"""SparkRestClient against the running local platform's Spark REST submission server."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from conftest import JOBS
from datapark_sdk.spark import (
    SparkAuthenticationError,
    SparkJobFailedError,
    SparkRestClient,
    SparkUnreachableError,
    SubmissionNotFoundError,
    rest_authorization,
)


def active_drivers(config) -> list[str]:
    with urllib.request.urlopen(f"{config.spark.ui_url}/json/", timeout=10) as response:
        return [d["id"] for d in json.load(response)["activedrivers"]]


def raw_create(config, request: dict, authorization: str | None) -> int:
    """POSTs a submission as any HTTP tool would; the HTTP status it got."""
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    post = urllib.request.Request(
        f"{config.spark.rest_url}/v1/submissions/create",
        data=json.dumps(request).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(post, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_submission_is_refused_unsigned_and_accepted_signed(platform_config, spark):
    request = spark.python_request(file=str(JOBS / "trivial.py"), name="python-sdk-trivial")
    before = active_drivers(platform_config)

    assert raw_create(platform_config, request, None) == 403
    unsigned = SparkRestClient.from_config(platform_config, rest_secret=None)
    with pytest.raises(SparkAuthenticationError, match="requires signed requests and this client has no key"):
        unsigned.create(request)
    wrong_key = SparkRestClient.from_config(platform_config, rest_secret="B" * 43)
    with pytest.raises(SparkAuthenticationError, match="its key is not the one this client signs with"):
        wrong_key.create(request)
    # The filter checks the token's expiry too: a signature made ten minutes ago is refused.
    stale = rest_authorization(platform_config.spark.rest_secret, now=time.time() - 600)
    assert raw_create(platform_config, request, stale) == 403
    assert active_drivers(platform_config) == before, "a refused request started a driver"

    states: list[str] = []
    submission_id = spark.submit_and_wait(request, on_progress=lambda state, _: states.append(state))
    assert submission_id.startswith("driver-")
    assert states[0] == "SUBMITTED" and states[-1] == "FINISHED"
    assert spark.status(submission_id)["driverState"] == "FINISHED"


def test_kills_a_running_driver_and_a_second_kill_changes_nothing(spark):
    submission_id = spark.create(spark.python_request(file=str(JOBS / "sleep.py"), name="python-sdk-sleep"))
    deadline = time.monotonic() + 120
    while spark.status(submission_id)["driverState"] == "SUBMITTED":
        assert time.monotonic() < deadline, "the driver never started"
        time.sleep(1)
    assert spark.kill(submission_id)["success"] is True
    with pytest.raises(SparkJobFailedError) as failed:
        spark.wait_for(submission_id, timeout_s=120)
    assert failed.value.driver_state == "KILLED"
    with pytest.raises(SubmissionNotFoundError) as again:
        spark.kill(submission_id)
    assert "already finished" in (again.value.server_message or "")
    assert spark.status(submission_id)["driverState"] == "KILLED"


def test_reports_an_unknown_submission_as_not_found(spark):
    with pytest.raises(SubmissionNotFoundError) as missing:
        spark.status("driver-20000101000000-0000")
    assert missing.value.submission_id == "driver-20000101000000-0000"


def test_a_server_that_does_not_answer_is_unreachable(platform_config):
    closed = SparkRestClient.from_config(platform_config, rest_url="http://127.0.0.1:1", max_retries=0)
    with pytest.raises(SparkUnreachableError, match="npx nx run platform:up --only spark"):
        closed.status("driver-x")


def test_never_shows_its_key(platform_config, spark):
    assert platform_config.spark.rest_secret not in repr(spark)
    assert platform_config.spark.rest_secret not in str(vars(spark).get("rest_url"))
