"""Makes the platform's Prometheus scrape a running Spark application (its driver and executors).

A driver serves its own metrics (Spark's PrometheusServlet, ``spark-defaults.conf`` of the
platform) and its executors' (``spark.ui.prometheus.enabled``) on its web UI, whose port comes and
goes with the application. So the application announces itself as ingest does: a file_sd file
``<state dir>/monitoring/targets/spark-<jvm pid>-<ui port>.json`` that Prometheus' job
``spark-app`` watches, written atomically, removed at exit; a file whose driver JVM is gone (a
killed application) is removed by the next application that announces itself.

    spark = SparkSession.builder.appName("daily-batch").getOrCreate()
    announce_to_prometheus(spark, load_config().state_dir)

Duck-typed over the SparkSession: the SDK stays standard library only.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: Spark's endpoints on the driver's UI: the driver's own metrics, and every executor's
#: (https://spark.apache.org/docs/latest/monitoring.html#executor-metrics).
DRIVER_METRICS_PATH = "/metrics/prometheus/"
EXECUTORS_METRICS_PATH = "/metrics/executors/prometheus/"
_TARGET_FILE = re.compile(r"^spark-(\d+)-\d+\.json$")


def scrape_targets_dir(state_dir: str | os.PathLike[str]) -> Path:
    """Where Prometheus discovers our processes (``scrapeTargetsDir`` of @datapark/config)."""
    return Path(state_dir) / "monitoring" / "targets"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_targets(targets_dir: Path) -> list[Path]:
    """Removes the target files of Spark applications whose driver JVM is gone; returns them."""
    removed = []
    for path in targets_dir.glob("spark-*.json"):
        match = _TARGET_FILE.match(path.name)
        if match and not _alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def announce_to_prometheus(spark: Any, state_dir: str | os.PathLike[str]) -> Path | None:
    """Writes the target file of ``spark``'s driver and executors endpoints and removes it when
    this process exits; returns its path. None, and nothing written, when the application has no
    web UI (``spark.ui.enabled=false``) or there is no local platform's state directory (as in
    the chart's pods, where drivers push their metrics to the workers' statsd-exporter instead); a
    failure to write warns on stderr rather than failing the application."""
    context = spark.sparkContext
    ui = context.uiWebUrl
    if not ui or not Path(state_dir).is_dir():
        return None
    url = urlsplit(ui)
    # The JVM that serves the UI: its pid names the file, so a killed driver's file is known stale.
    jvm_pid = int(context._jvm.java.lang.ProcessHandle.current().pid())
    labels = {"app_id": context.applicationId, "app_name": context.appName}
    address = f"{url.hostname}:{url.port}"
    groups = [
        {
            "targets": [address],
            "labels": {**labels, "endpoint": endpoint, "__metrics_path__": path},
        }
        for endpoint, path in (("driver", DRIVER_METRICS_PATH), ("executors", EXECUTORS_METRICS_PATH))
    ]
    targets_dir = scrape_targets_dir(state_dir)
    target_file = targets_dir / f"spark-{jvm_pid}-{url.port}.json"
    try:
        targets_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_targets(targets_dir)
        temporary = target_file.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(groups, indent=2) + "\n", encoding="utf-8")
        temporary.replace(target_file)
    except OSError as error:
        print(f"Prometheus will not scrape this application: {error}", file=sys.stderr)
        return None
    atexit.register(target_file.unlink, missing_ok=True)
    return target_file
