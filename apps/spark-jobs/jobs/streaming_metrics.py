"""Streaming job: Kafka -> processed.realtime_order_metrics and processed.clickstream_sessions.

    spark-submit jobs/streaming_metrics.py --checkpoint /path/to/checkpoints [--starting-offsets earliest]

Both outputs are aggregates written as absolute values with an upsert, and the Kafka offsets
live in the checkpoint: after a restart Spark replays at most the micro-batch it had not
committed, and writing its totals again changes nothing. Nothing lost, nothing counted twice.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from pathlib import Path

# Jobs run at their repository paths (the checkout, or /opt/datapark in the chart's Spark pods):
# their modules and the Python SDK are found relative to this file.
HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1] / "src"), str(HERE.parents[3] / "packages" / "python-sdk" / "src")]

from pyspark.sql import DataFrame, SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.streaming import StreamingQuery, StreamingQueryListener  # noqa: E402

from datapark_jobs.stream_events import (  # noqa: E402
    observation_name,
    parse_events,
    starting_offsets,
    uuid_or_null,
)
from datapark_jobs.stream_restart import run_until_stopped  # noqa: E402
from datapark_sdk.config import load_config  # noqa: E402
from datapark_sdk.spark.scrape_target import announce_to_prometheus  # noqa: E402

# Rows travel as one JSON array per statement: a call into the JVM per value would cost more
# than the whole micro-batch (py4j round trips), and a session backlog can be 100k rows.
UPSERT_METRICS = """
INSERT INTO processed.realtime_order_metrics
    (window_start, window_end, event_type, events_count, revenue, updated_at)
SELECT window_start, window_end, event_type, events_count, revenue, now()
FROM jsonb_to_recordset(?::jsonb) AS r(window_start timestamptz, window_end timestamptz,
    event_type text, events_count int, revenue numeric)
ON CONFLICT (window_start, event_type) DO UPDATE
SET window_end = EXCLUDED.window_end, events_count = EXCLUDED.events_count,
    revenue = EXCLUDED.revenue, updated_at = now()
"""

UPSERT_SESSIONS = """
INSERT INTO processed.clickstream_sessions (session_id, customer_id, started_at, ended_at,
    events_count, page_views, product_views, searches, add_to_carts, checkout_started, loaded_at)
SELECT session_id, customer_id, started_at, ended_at, events_count, page_views, product_views,
    searches, add_to_carts, checkout_started, now()
FROM jsonb_to_recordset(?::jsonb) AS r(session_id uuid, customer_id uuid, started_at timestamptz,
    ended_at timestamptz, events_count int, page_views int, product_views int, searches int,
    add_to_carts int, checkout_started boolean)
ON CONFLICT (session_id) DO UPDATE
SET customer_id = EXCLUDED.customer_id, started_at = EXCLUDED.started_at,
    ended_at = EXCLUDED.ended_at, events_count = EXCLUDED.events_count,
    page_views = EXCLUDED.page_views, product_views = EXCLUDED.product_views,
    searches = EXCLUDED.searches, add_to_carts = EXCLUDED.add_to_carts,
    checkout_started = EXCLUDED.checkout_started, loaded_at = now()
"""
CHUNK = 20_000

# A micro-batch reads at most this many records per topic. With a backlog of millions (a fresh
# checkpoint, or a job that was stopped for a while) the first batch would otherwise take all of
# it at once: every record parsed and aggregated in one batch on a 512 MiB executor, and every
# session it touched collected on the driver for the upsert. Capped, the backlog is worked off in
# bounded batches, each committed before the next (100k clickstream records are about 30 MB of JSON).
MAX_OFFSETS_PER_TRIGGER = 100_000

# The aggregation state (every session seen, every window within the watermark) in RocksDB, on
# the executor's local disk and off the JVM heap. The default provider keeps all of it, twice
# (the last two versions), as Java objects in the executor's 512 MiB heap, and sessions have no
# watermark, so their state only grows: with millions of clickstream events it outgrows the heap
# and the executor exits with code 52 (Spark's OutOfMemoryError). A checkpoint keeps the
# provider it was started with (Spark stores it in the offset log), so a job resumed from an
# older checkpoint stays on the default one until started on a fresh checkpoint, which replays
# from the earliest offsets and upserts the same totals.
STATE_STORE_PROVIDER = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"


def kafka_events(spark: SparkSession, servers: str, topic: str, start: str = "earliest") -> DataFrame:
    raw = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", servers)
        .option("subscribe", topic)
        .option("startingOffsets", starting_offsets(topic, start))
        .option("failOnDataLoss", "false")
        .option("maxOffsetsPerTrigger", str(MAX_OFFSETS_PER_TRIGGER))
        .load()
    )
    return parse_events(raw, topic)


def order_metrics(orders: DataFrame) -> DataFrame:
    revenue = (
        F.when(F.col("event_type") == "order_placed", F.col("payload.total_amount"))
        .when(F.col("event_type").isin("order_paid", "order_refunded"), F.col("payload.amount"))
        .otherwise(F.lit("0"))
        # try_cast: under ANSI mode an amount like "NaN" would throw and stop the query.
        .try_cast("decimal(14,2)")
    )
    return (
        orders.withWatermark("ts", "10 minutes")
        .groupBy(F.window("ts", "1 minute"), "event_type")
        .agg(F.count("*").alias("events_count"), F.sum(revenue).alias("revenue"))
    )


def sessions(clicks: DataFrame) -> DataFrame:
    def kind(name: str):
        return F.sum(F.when(F.col("event_type") == name, 1).otherwise(0))

    return clicks.groupBy(F.col("payload.session_id").alias("session_id")).agg(
        F.max(uuid_or_null("payload.customer_id")).alias("customer_id"),
        F.min("ts").alias("started_at"),
        F.max("ts").alias("ended_at"),
        F.count("*").alias("events_count"),
        kind("page_view").alias("page_views"),
        kind("product_view").alias("product_views"),
        kind("search").alias("searches"),
        kind("add_to_cart").alias("add_to_carts"),
        (kind("checkout_started") > 0).alias("checkout_started"),
    )


class SetAsideReport(StreamingQueryListener):
    """Prints, after each micro-batch that set records aside, how many of each topic's records
    could not be used and the running total: a malformed or poison record is counted, left out,
    and the query goes on (the ingest driver puts the same records in the topic's DLQ)."""

    def __init__(self, topics: list[str]) -> None:
        self.names = {observation_name(t): t for t in topics}
        self.totals = dict.fromkeys(topics, 0)

    def onQueryStarted(self, event) -> None:  # noqa: N802 (Spark's names)
        pass

    def onQueryProgress(self, event) -> None:  # noqa: N802
        for name, row in (event.progress.observedMetrics or {}).items():
            topic = self.names.get(name)
            set_aside = (row["set_aside"] or 0) if topic else 0
            if not topic or set_aside == 0:
                continue
            self.totals[topic] += set_aside
            print(
                f"streaming: {topic}: set aside {set_aside} of {row['records']} records in batch "
                f"{event.progress.batchId} (not JSON or not a usable event); {self.totals[topic]} so far",
                flush=True,
            )

    def onQueryIdle(self, event) -> None:  # noqa: N802
        pass

    def onQueryTerminated(self, event) -> None:  # noqa: N802
        pass


# StatsD's port above Prometheus' (STATSD_PORT_OFFSET of @datapark/config): 19090 -> 19125.
STATSD_PORT_OFFSET = 35
STREAM_JOB_NAME = "streaming_metrics"


class ProgressToStatsd(StreamingQueryListener):
    """Sends the time of each finished micro-batch to the monitoring component's statsd_exporter
    (UDP, DogStatsD tags), as the gauge datapark_streaming_last_batch_timestamp_seconds: the
    StreamingJobNotRunning alert fires when it stops moving while the job should run. Nothing
    fails when nothing listens (monitoring left out)."""

    def __init__(self, prometheus_url: str) -> None:
        from urllib.parse import urlsplit

        url = urlsplit(prometheus_url)
        self.address = (url.hostname or "127.0.0.1", (url.port or 80) + STATSD_PORT_OFFSET)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def send(self) -> None:
        name = "datapark_streaming_last_batch_timestamp_seconds"
        line = f"{name}:{int(time.time())}|g|#query:{STREAM_JOB_NAME}"
        try:
            self.socket.sendto(line.encode(), self.address)
        except OSError:
            pass

    def onQueryStarted(self, event) -> None:  # noqa: N802 (Spark's names)
        self.send()

    def onQueryProgress(self, event) -> None:  # noqa: N802
        self.send()

    def onQueryIdle(self, event) -> None:  # noqa: N802
        # An idle query (no new records) is running all the same.
        self.send()

    def onQueryTerminated(self, event) -> None:  # noqa: N802
        pass


def upsert(spark: SparkSession, statement: str, batch: DataFrame) -> None:
    """Writes a micro-batch through the JDBC driver already on the cluster's classpath, in one
    transaction: all of the batch or none of it."""
    rows = batch.toJSON().collect()
    if not rows:
        return
    pg = load_config().postgres_login("spark_etl")
    jvm = spark.sparkContext._jvm
    connection = jvm.java.sql.DriverManager.getConnection(pg.jdbc_url, pg.user, pg.password)
    try:
        connection.setAutoCommit(False)
        prepared = connection.prepareStatement(statement)
        for start in range(0, len(rows), CHUNK):
            prepared.setString(1, "[" + ",".join(rows[start : start + CHUNK]) + "]")
            prepared.executeUpdate()
        connection.commit()
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkpoint", required=True, help="checkpoint directory (keep it to resume)")
    parser.add_argument("--trigger-seconds", type=int, default=5)
    parser.add_argument(
        "--starting-offsets",
        default="earliest",
        help="where a fresh checkpoint starts: earliest (the whole history), latest, or a JSON object of "
        'each topic\'s offsets per partition, {"order-events": {"0": 12, ...}, "clickstream": {...}}; '
        "a resumed checkpoint goes on from its own offsets",
    )
    args = parser.parse_args()

    config = load_config()
    servers = ",".join(config.kafka.bootstrap_servers)
    spark = (
        SparkSession.builder.appName("streaming-metrics")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.streaming.stateStore.providerClass", STATE_STORE_PROVIDER)
        .getOrCreate()
    )
    # Prometheus scrapes the driver and its executors while the job runs (job spark-app).
    announce_to_prometheus(spark, config.state_dir)

    def write_metrics(batch: DataFrame, _epoch: int) -> None:
        flat = batch.select(
            F.col("window.start").alias("window_start"),
            F.col("window.end").alias("window_end"),
            "event_type",
            "events_count",
            F.col("revenue").cast("string").alias("revenue"),
        )
        upsert(spark, UPSERT_METRICS, flat)

    def write_sessions(batch: DataFrame, _epoch: int) -> None:
        upsert(spark, UPSERT_SESSIONS, batch)

    trigger = f"{args.trigger_seconds} seconds"
    spark.streams.addListener(SetAsideReport(["order-events", "clickstream"]))
    spark.streams.addListener(ProgressToStatsd(config.monitoring.prometheus_url))

    def start_order_metrics() -> StreamingQuery:
        return (
            order_metrics(kafka_events(spark, servers, "order-events", args.starting_offsets))
            .writeStream.outputMode("update")
            .foreachBatch(write_metrics)
            .option("checkpointLocation", f"{args.checkpoint}/order-metrics")
            .trigger(processingTime=trigger)
            .start()
        )

    def start_sessions() -> StreamingQuery:
        return (
            sessions(kafka_events(spark, servers, "clickstream", args.starting_offsets))
            .writeStream.outputMode("update")
            .foreachBatch(write_sessions)
            .option("checkpointLocation", f"{args.checkpoint}/clickstream-sessions")
            .trigger(processingTime=trigger)
            .start()
        )

    run_until_stopped(spark, {"order-metrics": start_order_metrics, "sessions": start_sessions})


if __name__ == "__main__":
    main()
