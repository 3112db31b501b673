"""The streaming job's aggregation state lives in RocksDB (off the executor's heap), whatever the
session's default: the provider class the job names must be one Spark loads, and the sessions
aggregation must run on it."""

from __future__ import annotations

import importlib.util
import tempfile

from pyspark.sql import functions as F

from conftest import JOBS


def load_job():
    spec = importlib.util.spec_from_file_location("streaming_metrics", JOBS / "streaming_metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_sessions_aggregation_keeps_its_state_in_rocksdb(spark):
    job = load_job()
    assert job.STATE_STORE_PROVIDER.endswith("RocksDBStateStoreProvider")
    key = "spark.sql.streaming.stateStore.providerClass"
    default = spark.conf.get(key)
    spark.conf.set(key, job.STATE_STORE_PROVIDER)
    # Clicks of five sessions, as parse_events leaves them, from Spark's rate source.
    clicks = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", 50)
        .load()
        .select(
            F.struct(
                F.concat(F.lit("session-"), (F.col("value") % 5).cast("string")).alias("session_id"),
                F.lit(None).cast("string").alias("customer_id"),
            ).alias("payload"),
            F.lit("page_view").alias("event_type"),
            F.col("timestamp").alias("ts"),
        )
    )
    # query.stop() cancels the job, but a task still committing RocksDB's state may write into
    # the checkpoint a moment longer: its removal must not fail the test (CI saw `Directory not
    # empty`).
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as checkpoint:
        query = (
            job.sessions(clicks)
            .writeStream.outputMode("update")
            .format("memory")
            .queryName("sessions_state")
            .option("checkpointLocation", checkpoint)
            .trigger(processingTime="1 second")
            .start()
        )
        try:
            for _ in range(60):
                progress = query.lastProgress
                if progress and progress["numInputRows"] > 0 and progress["stateOperators"]:
                    break
                query.awaitTermination(1)
            assert query.exception() is None
            state = progress["stateOperators"][0]
            assert state["numRowsTotal"] == 5
            # Metrics only RocksDB's provider reports.
            assert any(name.startswith("rocksdb") for name in state["customMetrics"]), state
        finally:
            query.stop()
            spark.conf.set(key, default)
    rows = spark.sql("SELECT session_id, events_count FROM sessions_state").collect()
    assert {r.session_id for r in rows} <= {f"session-{i}" for i in range(5)}
