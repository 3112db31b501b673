"""The streaming keeper tells StreamingJobNotRunning that the job should run, through Airflow's
own StatsD address, as `datapark-etl stream start` does through the platform's."""

from __future__ import annotations

import socket
import time

import pytest

from datapark_dags import streaming_expected


@pytest.fixture
def receiver(monkeypatch):
    """A UDP socket where Airflow's [metrics] section says StatsD goes."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    monkeypatch.setenv("AIRFLOW__METRICS__STATSD_ON", "True")
    monkeypatch.setenv("AIRFLOW__METRICS__STATSD_HOST", "127.0.0.1")
    monkeypatch.setenv("AIRFLOW__METRICS__STATSD_PORT", str(sock.getsockname()[1]))
    yield sock
    sock.close()


def test_each_run_says_the_job_should_run(receiver):
    sent = streaming_expected.report_streaming_expected(submitted=False)
    assert sent == ["datapark_streaming_running:1|g|#query:streaming_metrics"]
    assert receiver.recv(1024).decode() == sent[0]


def test_a_resubmission_gives_the_new_driver_the_alerts_five_minutes(receiver):
    before = int(time.time())
    streaming_expected.report_streaming_expected(submitted=True)
    first, second = receiver.recv(1024).decode(), receiver.recv(1024).decode()
    name, rest = first.split(":", 1)
    value, kind, tags = rest.split("|")
    assert (name, kind, tags) == (
        "datapark_streaming_last_batch_timestamp_seconds",
        "g",
        "#query:streaming_metrics",
    )
    assert before <= int(value) <= int(time.time())
    assert second == "datapark_streaming_running:1|g|#query:streaming_metrics"


def test_the_query_label_is_the_streaming_jobs_own():
    # The job's ProgressToStatsd tags its gauge with its STREAM_JOB_NAME; the alert joins on it.
    from conftest import ROOT

    source = (ROOT / "apps" / "spark-jobs" / "jobs" / "streaming_metrics.py").read_text()
    assert f'STREAM_JOB_NAME = "{streaming_expected.STREAM_QUERY}"' in source


def test_nothing_is_sent_with_airflows_metrics_off(monkeypatch):
    monkeypatch.setenv("AIRFLOW__METRICS__STATSD_ON", "False")
    assert streaming_expected.report_streaming_expected(submitted=True) == []


def test_an_unresolvable_statsd_host_fails_nothing(monkeypatch):
    monkeypatch.setenv("AIRFLOW__METRICS__STATSD_ON", "True")
    monkeypatch.setenv("AIRFLOW__METRICS__STATSD_HOST", "no-such-host.invalid")
    monkeypatch.setenv("AIRFLOW__METRICS__STATSD_PORT", "9125")
    assert streaming_expected.report_streaming_expected(submitted=False) == []
