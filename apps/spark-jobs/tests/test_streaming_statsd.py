"""The streaming job tells the monitoring when it last finished a micro-batch: a StatsD gauge that
StreamingJobNotRunning watches (see packages/platform-local/monitoring/rules)."""

import importlib.util
import socket
import time

from conftest import JOBS


def load_job():
    spec = importlib.util.spec_from_file_location("streaming_metrics", JOBS / "streaming_metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_micro_batch_sends_its_time_to_statsd_above_the_prometheus_port():
    job = load_job()
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    port = receiver.getsockname()[1]
    try:
        listener = job.ProgressToStatsd(f"http://127.0.0.1:{port - job.STATSD_PORT_OFFSET}")
        before = int(time.time())
        listener.onQueryProgress(None)
        line = receiver.recv(1024).decode()
    finally:
        receiver.close()
    name, rest = line.split(":", 1)
    value, kind, tags = rest.split("|")
    assert (name, kind, tags) == (
        "datapark_streaming_last_batch_timestamp_seconds",
        "g",
        "#query:streaming_metrics",
    )
    assert before <= int(value) <= int(time.time())


def test_sending_fails_quietly_when_nothing_listens():
    job = load_job()
    # Port 1 + 35 = 36 on loopback: nothing listens, and a UDP send does not fail the query.
    job.ProgressToStatsd("http://127.0.0.1:1").onQueryIdle(None)
