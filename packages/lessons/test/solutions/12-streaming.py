"""Reference solution of lesson 12 (its test puts it where the learner's goes, names suffixed).

The page: docs/lessons/12-streaming.md. The checker runs this job itself (datapark lesson check
12): it submits it with @datapark/spark-client, produces a known burst of page views, compares
your table with what it produced, and kills the job. To watch it yourself:

    node lab/scripts/submit-spark-job.ts lab/lessons/12-streaming.py

(it streams until killed: Ctrl-C, then kill the driver it printed, as the page says). This is your
copy (git ignores it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# This checkout's Python SDK and the platform's streaming helpers (apps/spark-jobs/src).
_root = next(p for p in Path(__file__).resolve().parents if (p / "packages" / "python-sdk").is_dir())
sys.path[:0] = [str(_root / "apps" / "spark-jobs" / "src"), str(_root / "packages" / "python-sdk" / "src")]

from pyspark.sql import DataFrame, SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from datapark_jobs.stream_events import parse_events, starting_offsets  # noqa: E402
from datapark_sdk.config import load_config  # noqa: E402

APP_NAME = "lab-lesson-12"  # what the Spark UI lists
TABLE = "lab.lesson12_page_views"  # window_start, window_end, page, views: one row per window and page

CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    window_start timestamptz NOT NULL,
    window_end timestamptz NOT NULL,
    page text NOT NULL,
    views bigint NOT NULL,
    PRIMARY KEY (window_start, page))
"""


def execute(spark: SparkSession, statement: str, json_rows: str | None = None) -> None:
    """Runs one statement as the lab role through the JDBC driver on Spark's classpath, in its own
    transaction; `json_rows`, when given, is its `?` (a JSON array of rows, as the platform's
    streaming job passes a micro-batch: one round trip for the whole batch)."""
    pg = load_config().postgres_login("lab")
    connection = spark.sparkContext._jvm.java.sql.DriverManager.getConnection(
        pg.jdbc_url, pg.user, pg.password
    )
    try:
        connection.setAutoCommit(False)
        prepared = connection.prepareStatement(statement)
        if json_rows is not None:
            prepared.setString(1, json_rows)
        prepared.executeUpdate()
        connection.commit()
    finally:
        connection.close()


def page_views(events: DataFrame) -> DataFrame | None:
    """Views per 1-minute window of `ts` (the event's occurred_at) and page: the columns
    `window` (Spark's struct of start and end), `page` and `views`."""
    return (
        events.where(F.col("event_type") == "page_view")
        .withWatermark("ts", "10 minutes")
        .groupBy(F.window("ts", "1 minute"), F.col("payload.page").alias("page"))
        .agg(F.count("*").alias("views"))
    )


def write_batch(spark: SparkSession, batch: DataFrame) -> None:
    """Writes one micro-batch of page_views into TABLE."""
    rows = batch.toJSON().collect()
    if not rows:
        return
    execute(
        spark,
        f"""INSERT INTO {TABLE} (window_start, window_end, page, views)
            SELECT window_start, window_end, page, views
              FROM jsonb_to_recordset(?::jsonb)
                AS r(window_start timestamptz, window_end timestamptz, page text, views bigint)
            ON CONFLICT (window_start, page) DO UPDATE
            SET window_end = EXCLUDED.window_end, views = EXCLUDED.views""",
        "[" + ",".join(rows) + "]",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", required=True, help="where the query keeps its offsets and state")
    parser.add_argument(
        "--starting-offsets", default="latest", help="latest, or clickstream's offsets as JSON"
    )
    args = parser.parse_args()

    config = load_config()
    spark = (
        SparkSession.builder.appName(APP_NAME)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    clicks = parse_events(
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", ",".join(config.kafka.bootstrap_servers))
        .option("subscribe", "clickstream")
        .option("startingOffsets", starting_offsets("clickstream", args.starting_offsets))
        .option("failOnDataLoss", "false")
        .load(),
        "clickstream",
    )
    views = page_views(clicks)
    if views is None:
        print("lesson 12: no aggregate yet; fill in the TODOs")
        spark.stop()
        return
    execute(spark, CREATE_TABLE)
    query = (
        views.select(
            F.col("window.start").alias("window_start"),
            F.col("window.end").alias("window_end"),
            "page",
            "views",
        )
        .writeStream.outputMode("update")
        .foreachBatch(lambda batch, _epoch: write_batch(spark, batch))
        .option("checkpointLocation", args.checkpoint)
        .trigger(processingTime="2 seconds")
        .start()
    )
    print(f"lesson 12: streaming clickstream into {TABLE}", flush=True)
    query.awaitTermination()


if __name__ == "__main__":
    main()
