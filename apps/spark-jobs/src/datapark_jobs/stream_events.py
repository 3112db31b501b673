"""Kafka record values → event rows a streaming query can trust."""

from __future__ import annotations

import json

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from datapark_jobs.event_schema import topic_event_versions, topic_key, topic_schema

UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# @datapark/events' Money: a decimal string with two places, which decimal(14,2) always holds.
MONEY = r"^\d{1,10}\.\d{2}$"
MONEY_FIELDS = ("total_amount", "amount", "cart_value", "price", "old_price", "new_price")
# PostgreSQL stores years 4713 BC to 294276 AD but reads no year 0 in ISO form; Spark does. A
# time outside these bounds would make the upsert fail and stop the query.
EARLIEST = "0001-01-01 00:00:00"
LATEST = "9999-12-31 23:59:59"


def uuid_or_null(column: str) -> F.Column:
    """The column when it holds a UUID, else null: PostgreSQL's uuid columns refuse anything else."""
    return F.when(F.col(column).rlike(UUID), F.col(column))


def starting_offsets(topic: str, spec: str) -> str:
    """The Kafka source's `startingOffsets` for `topic` from the job's --starting-offsets:
    `earliest` (the default: a fresh checkpoint replays the topic's whole history) or `latest`
    as they are, or a JSON object of every topic's next offset per partition,
    `{"order-events": {"0": 1200, ...}, "clickstream": {...}}`, of which the topic's own part is
    taken (the source refuses offsets of a topic it does not read). Spark uses it only on a
    fresh checkpoint; a resumed query goes on from the offsets in its checkpoint."""
    if spec in ("earliest", "latest"):
        return spec
    try:
        offsets = {str(p): int(o) for p, o in json.loads(spec)[topic].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(
            f"--starting-offsets {spec!r}: expected earliest, latest or a JSON object with the "
            f'offsets of {topic} per partition, like {{"{topic}": {{"0": 12, "1": 40}}}}'
        ) from error
    return json.dumps({topic: offsets})


def observation_name(topic: str) -> str:
    """The name under which a query reports how many records it read and set aside."""
    return f"records-{topic}"


def parse_events(values: DataFrame, topic: str) -> DataFrame:
    """Parses the `value` column (JSON text) with the topic's schema and keeps the records a
    query can use: a UUID event id, one of the topic's event types at a published contract version
    (v1 and v2 of page_view alike), an `occurred_at` PostgreSQL can store (as `ts`) and the
    topic's key in the payload as a UUID. Anything else (not JSON, another shape, an unknown type
    or version, a missing key, year 0, an amount that is not Money) would
    be refused by PostgreSQL downstream and stop the query (a 200 kB unknown type does not fit
    the metrics' index), so it is set aside: counted under `observation_name(topic)` in every
    micro-batch's progress (`records`, `set_aside`), and left out. The ingest driver sends the
    same records to the topic's DLQ with the reason."""
    key = topic_key(topic)
    schema = topic_schema(topic)
    events = values.select(F.from_json(F.col("value").cast("string"), schema).alias("e"))
    payload_fields = set(schema["payload"].dataType.fieldNames())
    # "page_view:2": a record of a version this job does not know is set aside, as ingest
    # dead-letters it, rather than read with a schema that is not its own.
    published = [f"{event_type}:{version}" for event_type, version in topic_event_versions(topic)]
    usable = (
        F.col("event_id").rlike(UUID)
        & F.concat_ws(":", F.col("event_type"), F.col("schema_version").cast("string")).isin(*published)
        & F.col("ts").between(F.lit(EARLIEST).cast("timestamp"), F.lit(LATEST).cast("timestamp"))
        & F.col(f"payload.{key}").rlike(UUID)
    )
    # An amount that is not Money would be a null revenue, which PostgreSQL refuses.
    for name in payload_fields.intersection(MONEY_FIELDS):
        amount = F.col(f"payload.{name}")
        usable = usable & (amount.isNull() | amount.rlike(MONEY))
    return (
        events.select("e.*")
        # try_: under ANSI mode (Spark 4 default) a malformed time would throw and stop the query.
        .withColumn("ts", F.try_to_timestamp(F.col("occurred_at")))
        .withColumn("_usable", F.coalesce(usable, F.lit(False)))
        .observe(
            observation_name(topic),
            F.count(F.lit(1)).alias("records"),
            F.sum(F.when(F.col("_usable"), 0).otherwise(1)).alias("set_aside"),
        )
        .where(F.col("_usable"))
        .drop("_usable")
    )
