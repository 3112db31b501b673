"""Tells the monitoring that the streaming job should run, for StreamingJobNotRunning: the gauge
datapark_streaming_running{query="streaming_metrics"} 1, as `datapark-etl stream start` sends it,
and after a (re)submission the time of the last micro-batch as now, so that the new driver has the
alert's five minutes to finish its first one.

Sent where Airflow sends its own StatsD ([metrics] statsd_host and statsd_port: the local
platform's statsd_exporter, or the chart's airflow statsd-exporter), whose job keeps datapark_*
series. UDP: nothing fails when nobody listens, and nothing is sent with Airflow's metrics off.
"""

from __future__ import annotations

import socket
import time

from airflow.configuration import conf

#: The query label the streaming job's own progress gauge carries (STREAM_JOB_NAME there).
STREAM_QUERY = "streaming_metrics"


def statsd_address() -> tuple[str, int] | None:
    """Airflow's StatsD address, or None when its metrics are off."""
    if not conf.getboolean("metrics", "statsd_on", fallback=False):
        return None
    return conf.get("metrics", "statsd_host"), conf.getint("metrics", "statsd_port")


def expected_lines(submitted: bool, now: float | None = None) -> list[str]:
    """The StatsD lines (DogStatsD tags) saying the job should run."""
    tags = f"#query:{STREAM_QUERY}"
    lines = [f"datapark_streaming_running:1|g|{tags}"]
    if submitted:
        stamp = int(time.time() if now is None else now)
        lines.insert(0, f"datapark_streaming_last_batch_timestamp_seconds:{stamp}|g|{tags}")
    return lines


def report_streaming_expected(submitted: bool) -> list[str]:
    """Sends expected_lines(submitted) to Airflow's StatsD address; returns what it sent."""
    address = statsd_address()
    if address is None:
        return []
    lines = expected_lines(submitted)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        for line in lines:
            try:
                sender.sendto(line.encode(), address)
            except OSError:  # an unresolvable host or a full buffer: the next run sends again
                return []
    return lines
