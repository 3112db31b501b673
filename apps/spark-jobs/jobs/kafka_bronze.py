"""Streaming job: every event topic → the lake's bronze archive, ``lake.bronze.kafka_events``.

    spark-submit jobs/kafka_bronze.py [--checkpoint s3a://lake/checkpoints/kafka-bronze]
        [--trigger-seconds 10] [--starting-offsets earliest]

Reads the event topics of the catalog (packages/events/json-schema/catalog.json: customer-events,
product-events, order-events, clickstream; not their .dlq topics) with one Kafka source and
appends each record as Kafka kept it (topic, partition, offset, key, value as the JSON sent,
Kafka's timestamp, its UTC day) to an Iceberg table partitioned by topic and day
(datapark_jobs.kafka_archive). Nothing is parsed or set aside: bronze keeps poison records too.

Exactly once, by two halves:
- the checkpoint (in the object store by default, through Hadoop's S3A) keeps each micro-batch's
  Kafka offsets before the batch runs and marks it committed after, so a restarted query replays
  at most the batch it had not marked, with the same offsets, under the same epoch id;
- Iceberg's streaming sink stamps every append's snapshot with the query's id and the epoch
  (snapshot summary ``spark.sql.streaming.queryId`` / ``spark.sql.streaming.epochId``) and, before
  committing an epoch, walks the table's snapshots back to the newest one of the same query id:
  an epoch at or below the one found there is skipped ("Skipping epoch … as it was already
  committed"). See apache/iceberg spark/v4.1/spark/src/main/java/org/apache/iceberg/spark/source/
  SparkWrite.java, BaseStreamingWrite.commit and findLastCommittedEpochId. The query id lives in
  the checkpoint (its `metadata` file), so it survives a restart on the same checkpoint: a batch
  whose append was committed but not marked in the checkpoint (a kill in between) is written
  again by the executors and then not committed a second time (its files stay unreferenced,
  for remove_orphan_files). A new checkpoint is a new query: it archives from --starting-offsets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1] / "src"), str(HERE.parents[3] / "packages" / "python-sdk" / "src")]

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.streaming import StreamingQuery  # noqa: E402

from datapark_jobs.event_schema import event_topics  # noqa: E402
from datapark_jobs.kafka_archive import (  # noqa: E402
    BRONZE_TABLE,
    archive_rows,
    archive_starting_offsets,
    default_checkpoint,
)
from datapark_jobs.lake_tables import STREAM_TABLES, ensure_lake_tables  # noqa: E402
from datapark_jobs.stream_restart import run_until_stopped  # noqa: E402
from datapark_sdk.config import lake_spark_conf, load_config, s3a_spark_conf  # noqa: E402
from datapark_sdk.spark.scrape_target import announce_to_prometheus  # noqa: E402

QUERY_NAME = "kafka-bronze"
# A micro-batch reads at most this many records over all topics: a fresh checkpoint on a week of
# history is archived in bounded batches, each one commit (one snapshot) of the table.
MAX_OFFSETS_PER_TRIGGER = 200_000


def session(checkpoint: str) -> SparkSession:
    config = load_config()
    builder = (
        SparkSession.builder.appName(QUERY_NAME)
        # The day column is the UTC date of Kafka's timestamp.
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
    )
    settings = dict(lake_spark_conf(config))
    if checkpoint.startswith("s3a://"):
        settings.update(s3a_spark_conf(config))
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--checkpoint",
        help="checkpoint directory, kept to resume: s3a://… in the object store (default: "
        "s3a://<the warehouse's bucket>/checkpoints/kafka-bronze) or a local path",
    )
    parser.add_argument("--trigger-seconds", type=int, default=10)
    parser.add_argument(
        "--starting-offsets",
        default="earliest",
        help="where a fresh checkpoint starts: earliest (every record the topics still hold), latest, "
        'or a JSON object of every topic\'s offsets per partition, {"order-events": {"0": 12, ...}, ...}; '
        "a resumed checkpoint goes on from its own offsets",
    )
    args = parser.parse_args()

    config = load_config()
    topics = event_topics()
    start_at = archive_starting_offsets(topics, args.starting_offsets)
    checkpoint = args.checkpoint or default_checkpoint(config.lake.warehouse)
    spark = session(checkpoint)
    announce_to_prometheus(spark, config.state_dir)
    ensure_lake_tables(spark, STREAM_TABLES)
    print(f"kafka_bronze: {', '.join(topics)} -> {BRONZE_TABLE}, checkpoint {checkpoint}", flush=True)

    def start() -> StreamingQuery:
        records = (
            spark.readStream.format("kafka")
            .option("kafka.bootstrap.servers", ",".join(config.kafka.bootstrap_servers))
            .option("subscribe", ",".join(topics))
            .option("startingOffsets", start_at)
            # Records the topics' retention deleted before they were archived are gone: the
            # query goes on rather than stopping for good.
            .option("failOnDataLoss", "false")
            .option("maxOffsetsPerTrigger", str(MAX_OFFSETS_PER_TRIGGER))
            .load()
        )
        return (
            archive_rows(records)
            .writeStream.format("iceberg")
            .queryName(QUERY_NAME)
            .outputMode("append")
            # A micro-batch's records come in Kafka's order, not clustered by (topic, day): the
            # fanout writer keeps a file open per partition instead of refusing unsorted rows.
            .option("fanout-enabled", "true")
            .option("checkpointLocation", checkpoint)
            .trigger(processingTime=f"{args.trigger_seconds} seconds")
            .toTable(BRONZE_TABLE)
        )

    run_until_stopped(spark, {QUERY_NAME: start})


if __name__ == "__main__":
    main()
