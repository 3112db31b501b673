"""The streaming bronze archive (jobs/kafka_bronze.py): which topics, which columns, where it
starts, and that Iceberg's streaming sink commits a replayed micro-batch once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from conftest import ROOT
from datapark_jobs.event_schema import CATALOG, event_topics
from datapark_jobs.kafka_archive import (
    BRONZE_TABLE,
    archive_rows,
    archive_starting_offsets,
    default_checkpoint,
)
from datapark_jobs.lake_tables import LAKE_TABLES, STREAM_TABLES

TOPICS = ["customer-events", "product-events", "order-events", "clickstream"]
# The Kafka source's columns (headers left out).
KAFKA_SCHEMA = ", ".join(
    [
        "key binary",
        "value binary",
        "topic string",
        "partition int",
        "offset long",
        "timestamp timestamp",
        "timestampType int",
    ]
)


def test_archives_the_catalogs_event_topics_and_not_their_dead_letters():
    assert event_topics() == TOPICS
    every = [t["name"] for t in json.loads(CATALOG.read_text())["all_topics"]]
    assert sorted(every) == sorted(TOPICS + [f"{t}.dlq" for t in TOPICS])


def test_the_table_is_apart_from_the_daily_bronze_and_partitioned_by_topic_and_day():
    assert BRONZE_TABLE == "lake.bronze.kafka_events"
    assert BRONZE_TABLE not in LAKE_TABLES
    assert STREAM_TABLES[BRONZE_TABLE][1] == "topic, day"


def kafka_records(spark, rows):
    return spark.createDataFrame(rows, KAFKA_SCHEMA)


def test_a_record_is_archived_as_kafka_kept_it(spark):
    event = json.dumps({"event_type": "order_placed", "payload": {"total_amount": "10.00"}}, indent=1)
    rows = [
        (b"k-1", event.encode(), "order-events", 3, 41, datetime(2026, 11, 1, 23, 59, 59, 999000), 0),
        # Not JSON, no key: archived all the same (bronze is where a poison record is found).
        (None, b'{"not json', "clickstream", 0, 7, datetime(2026, 11, 2, 0, 0, 0), 0),
    ]
    archived = archive_rows(kafka_records(spark, rows))
    assert archived.columns == ["topic", "partition", "offset", "key", "value", "kafka_timestamp", "day"]
    got = [r.asDict() for r in archived.collect()]
    assert got[0] == {
        "topic": "order-events",
        "partition": 3,
        "offset": 41,
        "key": "k-1",
        "value": event,  # byte for byte, whitespace and all
        "kafka_timestamp": datetime(2026, 11, 1, 23, 59, 59, 999000),
        "day": datetime(2026, 11, 1).date(),  # the UTC day (the session runs in UTC)
    }
    assert (got[1]["key"], got[1]["value"], got[1]["day"]) == (
        None,
        '{"not json',
        datetime(2026, 11, 2).date(),
    )


def test_the_table_has_exactly_the_columns_archive_rows_writes(spark):
    columns, _ = STREAM_TABLES[BRONZE_TABLE]
    table = spark.createDataFrame([], columns).schema
    written = archive_rows(kafka_records(spark, [])).schema
    assert [(f.name, f.dataType) for f in table] == [(f.name, f.dataType) for f in written]


def test_starting_offsets_name_every_archived_topic_or_are_a_keyword():
    assert archive_starting_offsets(TOPICS, "earliest") == "earliest"
    assert archive_starting_offsets(TOPICS, "latest") == "latest"
    spec = {t: {"0": i, "1": "5"} for i, t in enumerate(TOPICS)}
    assert json.loads(archive_starting_offsets(TOPICS, json.dumps(spec))) == {
        t: {"0": i, "1": 5} for i, t in enumerate(TOPICS)
    }
    with pytest.raises(ValueError, match=r"offsets per partition of every topic archived"):
        archive_starting_offsets(TOPICS, json.dumps({"order-events": {"0": 1}}))
    with pytest.raises(ValueError, match=r"order-events\.dlq is not archived"):
        archive_starting_offsets(TOPICS, json.dumps({**spec, "order-events.dlq": {"0": 1}}))
    with pytest.raises(ValueError, match=r"--starting-offsets 'yesterday'"):
        archive_starting_offsets(TOPICS, "yesterday")


def test_the_checkpoint_defaults_to_the_warehouses_bucket_through_s3a():
    assert default_checkpoint("s3://lake/warehouse") == "s3a://lake/checkpoints/kafka-bronze"
    assert default_checkpoint("s3://my-bucket") == "s3a://my-bucket/checkpoints/kafka-bronze"


# --- Exactly once, on a real Iceberg table (a local warehouse, Iceberg's hadoop catalog) -------

JARS = ROOT / ".tools" / "jars" / "spark"

REPLAY = """
import json, shutil, sys
from pathlib import Path
sys.path[:0] = [sys.argv[1]]
from pyspark.sql import SparkSession
from datapark_jobs.kafka_archive import archive_rows
from datapark_jobs.lake_tables import STREAM_TABLES

jars, work = sys.argv[2], Path(sys.argv[3])
spark = (
    SparkSession.builder.master("local[1]").appName("kafka-bronze-replay")
    .config("spark.driver.extraClassPath", jars + "/*")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.sql.shuffle.partitions", "1")
    .config("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
    .config("spark.sql.catalog.lake.type", "hadoop")
    .config("spark.sql.catalog.lake.warehouse", str(work / "warehouse"))
    .getOrCreate()
)
table = "lake.bronze.kafka_events"
columns, partitioning = STREAM_TABLES[table]
spark.sql(f"CREATE TABLE {table} ({columns}) USING iceberg PARTITIONED BY ({partitioning})")
schema = "key binary, value binary, topic string, partition int, offset long, timestamp timestamp"
source, checkpoint = work / "source", str(work / "checkpoint")

def land(offsets):
    rows = [(b"k", json.dumps({"n": o}).encode(), "order-events", o % 2, o, None) for o in offsets]
    frame = spark.createDataFrame(rows, schema).selectExpr("*", "timestamp'2026-11-01 10:00:00' AS ts")
    frame.drop("timestamp").withColumnRenamed("ts", "timestamp").write.mode("append").parquet(str(source))

def run():
    stream = spark.readStream.schema(spark.read.parquet(str(source)).schema).parquet(str(source))
    query = (archive_rows(stream).writeStream.format("iceberg").outputMode("append")
             .option("fanout-enabled", "true").option("checkpointLocation", checkpoint)
             .trigger(availableNow=True).toTable(table))
    query.awaitTermination()
    return query.id

def state():
    rows = spark.sql(
        f"SELECT count(*) AS n, count(DISTINCT topic, partition, offset) AS d FROM {table}"
    ).first()
    snaps = spark.sql(
        f"SELECT summary['spark.sql.streaming.epochId'] AS e FROM {table}.snapshots ORDER BY committed_at"
    )
    files = spark.sql(f"SELECT count(*) AS n FROM {table}.files").first().n
    on_disk = len(list((work / "warehouse" / "bronze" / "kafka_events" / "data").rglob("*.parquet")))
    return {"rows": rows.n, "distinct": rows.d, "epochs": [r.e for r in snaps.collect()],
            "unreferenced_files": on_disk - files}

land(range(0, 5))
first_id = run()
out = {"first": state()}
# A kill after Iceberg committed epoch 0 and before the checkpoint marked it: the commit log
# loses its entry, so the restarted query (same checkpoint, same query id) runs epoch 0 again.
(Path(checkpoint) / "commits" / "0").unlink()
(Path(checkpoint) / "commits" / ".0.crc").unlink(missing_ok=True)
out["same_query_id"] = run() == first_id
out["replayed"] = state()
land(range(5, 8))
run()
out["after_new_records"] = state()
print("REPLAY " + json.dumps(out))
"""


def test_a_replayed_micro_batch_is_committed_once(tmp_path: Path):
    if not (JARS / "iceberg-spark-runtime-4.1_2.13-1.12.0.jar").exists():
        pytest.fail(f"{JARS} has no Iceberg runtime: bash tools/ci/maven.sh")
    result = subprocess.run(
        [sys.executable, "-c", REPLAY, str(ROOT / "apps" / "spark-jobs" / "src"), str(JARS), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYSPARK_SUBMIT_ARGS": "--driver-memory 512m pyspark-shell"},
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("REPLAY ")), None)
    assert line, result.stderr[-4000:]
    out = json.loads(line[len("REPLAY ") :])
    assert out["first"] == {"rows": 5, "distinct": 5, "epochs": ["0"], "unreferenced_files": 0}
    assert out["same_query_id"] is True
    # Epoch 0 ran again and wrote its files (left unreferenced), but Iceberg found epoch 0 of this
    # query in the table's snapshots and skipped the commit: no new snapshot, no duplicate row.
    replayed = out["replayed"]
    assert replayed["unreferenced_files"] > 0
    assert {**replayed, "unreferenced_files": 0} == out["first"]
    after = out["after_new_records"]
    assert (after["rows"], after["distinct"], after["epochs"]) == (8, 8, ["0", "1"])
