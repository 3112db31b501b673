"""The streaming bronze archive: Kafka records → rows of ``lake.bronze.kafka_events``.

A record is archived as Kafka kept it, whatever it holds (a poison record too: bronze is the
place to find it later): its topic, partition and offset (together, the record's identity), its
key and value as text (the value is the event's JSON as the producer sent it), the broker's
timestamp, and the UTC day of that timestamp, which partitions the table with the topic. The day
comes from Kafka, not from the event's ``occurred_at``: a record that is not an event has one too.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from datapark_jobs.lake_tables import STREAM_TABLES

BRONZE_TABLE = "lake.bronze.kafka_events"
assert BRONZE_TABLE in STREAM_TABLES

#: Where the query's checkpoint lives by default, in the warehouse's bucket: `s3a://lake/checkpoints/kafka-bronze`.
CHECKPOINT_PATH = "checkpoints/kafka-bronze"


def archive_rows(records: DataFrame) -> DataFrame:
    """The Kafka source's rows (topic, partition, offset, key, value, timestamp…) as the bronze
    table's columns. `day` is the timestamp's date in the session's time zone: the job runs in UTC."""
    return records.select(
        F.col("topic"),
        F.col("partition"),
        F.col("offset"),
        F.col("key").cast("string").alias("key"),
        F.col("value").cast("string").alias("value"),
        F.col("timestamp").alias("kafka_timestamp"),
        F.to_date("timestamp").alias("day"),
    )


def archive_starting_offsets(topics: list[str], spec: str) -> str:
    """The Kafka source's `startingOffsets` for a query over `topics`: `earliest` (the default: a
    fresh checkpoint archives every topic's whole retained history) or `latest` as they are, or a
    JSON object of each topic's next offset per partition, `{"order-events": {"0": 12, ...}, ...}`,
    which must name every topic (Spark refuses specific offsets that leave a partition out) and
    nothing else. Used on a fresh checkpoint only; a resumed query goes on from its checkpoint."""
    if spec in ("earliest", "latest"):
        return spec
    try:
        given = json.loads(spec)
        offsets = {topic: {str(p): int(o) for p, o in given[topic].items()} for topic in topics}
        extra = set(given) - set(topics)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(
            f"--starting-offsets {spec!r}: expected earliest, latest or a JSON object with the "
            f"offsets per partition of every topic archived ({', '.join(topics)})"
        ) from error
    if extra:
        archived = ", ".join(topics)
        raise ValueError(
            f"--starting-offsets: {', '.join(sorted(extra))} is not archived (topics: {archived})"
        )
    return json.dumps(offsets)


def default_checkpoint(warehouse: str) -> str:
    """The checkpoint in the object store, in the warehouse's bucket, for Hadoop's S3A:
    `s3://lake/warehouse` → `s3a://lake/checkpoints/kafka-bronze`."""
    bucket = urlsplit(warehouse).netloc
    return f"s3a://{bucket}/{CHECKPOINT_PATH}"
