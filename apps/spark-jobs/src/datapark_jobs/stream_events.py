"""Kafka record values → event rows a streaming query can trust."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from datapark_jobs.event_schema import topic_key, topic_schema


def parse_events(values: DataFrame, topic: str) -> DataFrame:
    """Parses the `value` column (JSON text) with the topic's schema and keeps the records a
    query can use: an event id, a type, a parseable `occurred_at` (as `ts`) and the topic's key
    in the payload. Anything else (not JSON, another shape, a missing key) would be a null in a
    NOT NULL column downstream and stop the query; the ingest driver sends such records to the
    topic's DLQ with the reason, so here they are only dropped."""
    key = topic_key(topic)
    events = values.select(F.from_json(F.col("value").cast("string"), topic_schema(topic)).alias("e"))
    return (
        events.select("e.*")
        # try_: under ANSI mode (Spark 4 default) a malformed time would throw and stop the query.
        .withColumn("ts", F.try_to_timestamp(F.col("occurred_at")))
        .where(
            F.col("event_id").isNotNull()
            & F.col("event_type").isNotNull()
            & F.col("ts").isNotNull()
            & F.col(f"payload.{key}").isNotNull()
        )
    )
