"""A Spark application announces its driver and executors endpoints to Prometheus (file_sd) while
it runs: a real PySpark driver with the platform's spark-defaults.conf (its metrics sinks), in
local[1] mode so it takes no cluster cores, and its real endpoints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import SDK_SRC
from datapark_sdk.spark.scrape_target import remove_stale_targets, scrape_targets_dir

APP = textwrap.dedent(
    """
    import json, sys, urllib.request
    from pyspark.sql import SparkSession
    from datapark_sdk.spark.scrape_target import announce_to_prometheus

    spark = SparkSession.builder.master("local[1]").appName("scrape-target-test").getOrCreate()
    spark.range(100).selectExpr("sum(id)").collect()
    target_file = announce_to_prometheus(spark, sys.argv[1])
    groups = json.loads(target_file.read_text())
    scraped = {}
    for group in groups:
        url = f"http://{group['targets'][0]}{group['labels']['__metrics_path__']}"
        # The executors' endpoint starts Spark's REST layer on first use: slow on a busy machine.
        scraped[group["labels"]["endpoint"]] = urllib.request.urlopen(url, timeout=120).read().decode()
    print(json.dumps({"file": str(target_file), "groups": groups, "scraped": scraped}))
    """
)


def test_a_running_application_is_announced_with_both_endpoints_and_withdrawn_at_exit(
    tmp_path: Path, platform_config
):
    targets = scrape_targets_dir(tmp_path)
    targets.mkdir(parents=True)
    # A file left by a driver that was killed: its JVM pid is no process any more.
    stale = targets / "spark-999999999-4040.json"
    stale.write_text("[]")
    env = {
        **os.environ,
        "PYTHONPATH": str(SDK_SRC),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_CONF_DIR": str(platform_config.state_dir / "spark" / "conf"),
    }
    run = subprocess.run(
        [sys.executable, "-c", APP, str(tmp_path)], env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    groups = result["groups"]
    assert [g["labels"]["endpoint"] for g in groups] == ["driver", "executors"]
    assert [g["labels"]["__metrics_path__"] for g in groups] == [
        "/metrics/prometheus/",
        "/metrics/executors/prometheus/",
    ]
    assert {g["labels"]["app_name"] for g in groups} == {"scrape-target-test"}
    app_id = groups[0]["labels"]["app_id"]
    assert Path(result["file"]).name.startswith("spark-")
    # Both endpoints answered in Prometheus' text format, the executors' with the application.
    assert "_driver_BlockManager_memory_memUsed_MB_Value" in result["scraped"]["driver"]
    assert f'metrics_executor_memoryUsed_bytes{{application_id="{app_id}"' in result["scraped"]["executors"]
    # The stale file went when the application announced itself; its own went at exit.
    assert not stale.exists()
    assert not Path(result["file"]).exists()


def test_only_files_of_dead_drivers_are_removed(tmp_path: Path):
    mine = tmp_path / f"spark-{os.getpid()}-4041.json"
    dead = tmp_path / "spark-999999999-4042.json"
    other = tmp_path / "ingest-999999999-9000.json"
    for path in (mine, dead, other):
        path.write_text("[]")
    assert remove_stale_targets(tmp_path) == [dead]
    assert mine.exists() and other.exists()
