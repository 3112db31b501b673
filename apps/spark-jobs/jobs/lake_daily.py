"""Lake job: one day of order events into Iceberg tables, bronze -> silver -> gold, then a
reconciliation of gold with `processed.daily_sales`.

    spark-submit jobs/lake_daily.py --date 2026-11-01 [--as-of 2026-11-01T15:00:00Z] [--reconcile-only]

- bronze ``lake.bronze.order_events``: the day's rows of raw.order_events as they landed (payload
  as JSON text, Kafka position kept), partitioned by day(occurred_at);
- silver ``lake.silver.orders`` and ``lake.silver.order_items``: the day's orders, deduplicated,
  typed, with the status their latest event before --as-of left them in (the day's from bronze,
  the later ones read from raw: bronze keeps each event under the day it occurred);
- gold ``lake.gold.daily_sales``: the same row `processed.daily_sales` has for the day, by the
  same rule (batch_transforms.daily_sales).

Every table's day is replaced in one commit (``overwrite`` by a filter), so a rerun gives the same
rows and a new snapshot. The catalog is Iceberg's JDBC catalog in PostgreSQL (role and schema
``iceberg``), the files are in the object store; the settings come from the Python SDK
(lake_spark_conf) and are set on this session only, with the catalog password and the store's
keys redacted from the UI and the event log. Reads raw and processed as the spark_etl role.

The reconciliation fails the job (exit 1) naming each column that differs; the last line the
driver prints is ``lake_daily {json}``: the rows each table holds for the day, read back.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1] / "src"), str(HERE.parents[3] / "packages" / "python-sdk" / "src")]

from pyspark.sql import DataFrame, SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from datapark_jobs import lake_transforms as t  # noqa: E402
from datapark_jobs.lake_tables import LAKE_TABLES, ensure_lake_tables  # noqa: E402
from datapark_sdk.config import lake_spark_conf, load_config  # noqa: E402

DAY_COLUMN = {
    "lake.silver.orders": "order_date",
    "lake.silver.order_items": "order_date",
    "lake.gold.daily_sales": "sales_date",
}


class ReconciliationError(RuntimeError):
    """The lake's gold and `processed` disagree for a day (or one of them has no row for it)."""


def session(day: str) -> SparkSession:
    builder = (
        SparkSession.builder.appName(f"lake-daily-{day}")
        .config("spark.sql.session.timeZone", "UTC")
        # A day of a shop is small: 200 shuffle partitions (the default) would be 200 tasks per
        # window and aggregate on a cluster of a few cores.
        .config("spark.sql.shuffle.partitions", "4")
    )
    for key, value in lake_spark_conf(load_config()).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def replace_day(frame: DataFrame, table: str, condition) -> None:
    """The table's rows matching `condition` become `frame`, in one snapshot."""
    spark = frame.sparkSession
    spark.sparkContext.setLocalProperty("callSite.short", f"write {table}")
    frame.select(*spark.table(table).columns).writeTo(table).overwrite(condition)


def build(spark: SparkSession, jdbc: dict, day: str, as_of: datetime) -> None:
    start = date.fromisoformat(day)
    end = start + timedelta(days=1)
    # Only the day's events leave PostgreSQL (its occurred_at index answers the range). The
    # bounds carry their zone: the JDBC session's is the driver JVM's, not necessarily UTC.
    query = (
        "(SELECT event_id::text, event_type, schema_version, occurred_at, producer, order_id::text, "
        "payload::text AS payload, kafka_topic, kafka_partition, kafka_offset, ingested_at "
        f"FROM raw.order_events WHERE occurred_at >= '{start}T00:00:00+00:00' "
        f"AND occurred_at < '{end}T00:00:00+00:00') AS day"
    )
    landed = spark.read.format("jdbc").options(dbtable=query, **jdbc).load()
    in_day = (F.col("occurred_at") >= F.lit(str(start)).cast("timestamp")) & (
        F.col("occurred_at") < F.lit(str(end)).cast("timestamp")
    )
    replace_day(landed.select(*t.BRONZE_COLUMNS), "lake.bronze.order_events", in_day)

    # The status events after the day, up to as_of, of the orders placed on it: an order placed
    # today and cancelled tomorrow is a cancelled order when processed is built tomorrow.
    later_query = (
        "(SELECT event_id::text, event_type, schema_version, occurred_at, producer, order_id::text, "
        "payload::text AS payload, kafka_topic, kafka_partition, kafka_offset, ingested_at "
        f"FROM raw.order_events WHERE occurred_at >= '{end}T00:00:00+00:00' "
        f"AND occurred_at < '{as_of.isoformat()}' "
        "AND event_type <> 'order_placed' AND order_id IN (SELECT order_id FROM raw.order_events "
        f"WHERE event_type = 'order_placed' AND occurred_at >= '{start}T00:00:00+00:00' "
        f"AND occurred_at < '{end}T00:00:00+00:00')) AS later"
    )
    later = spark.read.format("jdbc").options(dbtable=later_query, **jdbc).load()
    bronze = spark.table("lake.bronze.order_events")
    orders = t.silver_orders(bronze, day, as_of, later=later).cache()
    items = t.silver_order_items(orders)
    is_day = {table: F.col(column) == F.lit(day).cast("date") for table, column in DAY_COLUMN.items()}
    replace_day(orders.drop("items"), "lake.silver.orders", is_day["lake.silver.orders"])
    replace_day(items, "lake.silver.order_items", is_day["lake.silver.order_items"])
    silver = spark.table("lake.silver.orders").where(is_day["lake.silver.orders"])
    silver_items = spark.table("lake.silver.order_items").where(is_day["lake.silver.order_items"])
    gold = t.gold_daily_sales(silver, silver_items, day)
    replace_day(gold, "lake.gold.daily_sales", is_day["lake.gold.daily_sales"])


def read_back(spark: SparkSession, day: str) -> dict:
    """The day's rows of every table, counted from the tables (not from what was written)."""
    start = date.fromisoformat(day)
    counts = {
        "lake.bronze.order_events": spark.table("lake.bronze.order_events")
        .where(F.to_date("occurred_at") == F.lit(str(start)).cast("date"))
        .count()
    }
    for table, column in DAY_COLUMN.items():
        counts[table] = spark.table(table).where(F.col(column) == F.lit(day).cast("date")).count()
    snapshots = {
        table: spark.sql(f"SELECT count(*) AS n FROM {table}.snapshots").first()["n"] for table in LAKE_TABLES
    }
    return {"rows": counts, "snapshots": snapshots}


def row_of(frame: DataFrame) -> dict | None:
    rows = frame.collect()
    return rows[0].asDict() if rows else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--date", required=True, help="the day to (re)build, YYYY-MM-DD")
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        help="count events that occurred before this ISO instant (default: now)",
    )
    parser.add_argument(
        "--reconcile-only",
        action="store_true",
        help="write nothing: compare the lake's gold with processed.daily_sales for the day",
    )
    args = parser.parse_args()
    day = date.fromisoformat(args.date).isoformat()
    as_of = args.as_of or datetime.now(UTC)
    if as_of.tzinfo is None:
        parser.error("--as-of needs a time zone, e.g. 2026-11-01T15:00:00Z")

    pg = load_config().postgres_login("spark_etl")
    jdbc = {"url": pg.jdbc_url, "user": pg.user, "password": pg.password, "driver": "org.postgresql.Driver"}
    spark = session(day)
    ensure_lake_tables(spark)
    if not args.reconcile_only:
        build(spark, jdbc, day, as_of)

    gold = row_of(spark.table("lake.gold.daily_sales").where(F.col("sales_date") == F.lit(day).cast("date")))
    processed = row_of(
        spark.read.format("jdbc")
        .options(
            dbtable=f"(SELECT * FROM processed.daily_sales WHERE sales_date = '{day}') AS day",
            **jdbc,
        )
        .load()
    )
    summary = {"date": day, **read_back(spark, day), "gold": gold, "processed": processed}
    differences = t.reconcile(day, gold, processed)
    summary["reconciled"] = not differences
    print("lake_daily " + json.dumps(summary, default=str, sort_keys=True), flush=True)
    spark.stop()
    if differences:
        raise ReconciliationError(
            f"lake gold != processed for {day}:\n  "
            + "\n  ".join(differences)
            + "\nFix: rebuild the side that is behind (jobs/daily_batch.py or jobs/lake_daily.py for "
            "the day); if both are current, the difference is in the data: compare "
            "lake.silver.orders with processed.fact_orders."
        )


if __name__ == "__main__":
    main()
