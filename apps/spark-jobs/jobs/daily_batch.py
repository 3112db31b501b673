"""Batch job: `source` -> `processed` for one day, as the spark_etl role.

    spark-submit jobs/daily_batch.py --date 2026-11-01 [--as-of 2026-11-01T15:00:00Z]

Orders count when placed before `--as-of` (default: when the job starts), so a run over a day
that is still going computes the same rows even when Spark recomputes a lost partition.
Idempotent for a date: the date's fact and aggregate rows are deleted and written again; the
dimensions are replaced whole (they are snapshots of `source`). Two runs at once (an Airflow run
beside `datapark-etl batch run --direct`, or two days) write one after the other: the write
phase holds a PostgreSQL advisory lock, so their truncates and inserts never interleave.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

# Jobs run at their repository paths (the checkout, or /opt/datapark in the chart's Spark pods):
# their modules and the Python SDK are found relative to this file.
HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1] / "src"), str(HERE.parents[3] / "packages" / "python-sdk" / "src")]

from pyspark.sql import DataFrame, SparkSession  # noqa: E402

from datapark_jobs import batch_transforms as t  # noqa: E402
from datapark_sdk.config import load_config  # noqa: E402
from datapark_sdk.spark.scrape_target import announce_to_prometheus  # noqa: E402

DATED_TABLES = {
    "processed.fact_orders": "order_date",
    "processed.fact_order_items": "order_date",
    "processed.daily_sales": "sales_date",
    "processed.product_performance": "sales_date",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--date", required=True, help="the day to (re)compute, YYYY-MM-DD")
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        help="count orders placed before this ISO instant (default: now)",
    )
    args = parser.parse_args()
    day = args.date
    as_of = args.as_of or datetime.now(UTC)
    if as_of.tzinfo is None:
        parser.error("--as-of needs a time zone, e.g. 2026-11-01T15:00:00Z")

    config = load_config()
    pg = config.postgres_login("spark_etl")
    spark = (
        SparkSession.builder.appName(f"daily-batch-{day}")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    # Prometheus scrapes the driver and its executors while the job runs (job spark-app).
    announce_to_prometheus(spark, config.state_dir)
    # stringtype=unspecified lets PostgreSQL cast Spark's strings into uuid columns.
    jdbc = {
        "url": pg.jdbc_url + "?stringtype=unspecified",
        "user": pg.user,
        "password": pg.password,
        "driver": "org.postgresql.Driver",
    }

    def read(table: str) -> DataFrame:
        return spark.read.format("jdbc").options(dbtable=table, **jdbc).load()

    customers, products = read("source.customers"), read("source.products")
    orders, items = read("source.orders"), read("source.order_items")

    facts = t.fact_orders(orders, items, day, as_of).cache()
    fact_items = t.fact_order_items(facts, items).cache()
    outputs = {
        "processed.fact_orders": facts,
        "processed.fact_order_items": fact_items,
        "processed.daily_sales": t.daily_sales(facts, fact_items, day),
        "processed.product_performance": t.product_performance(facts, fact_items, day),
    }

    # Statements run through the JDBC driver the cluster already has on its classpath (no Python
    # database driver needed). This connection holds the write lock: a session-level advisory
    # lock, released when the job unlocks or its driver dies and the connection closes.
    jvm = spark.sparkContext._jvm
    connection = jvm.java.sql.DriverManager.getConnection(pg.jdbc_url, pg.user, pg.password)

    def execute(sql: str, *params: str) -> None:
        statement = connection.prepareStatement(sql)
        for i, value in enumerate(params, start=1):
            statement.setString(i, value)
        statement.execute()
        statement.close()

    def labelled(what: str) -> None:
        # Names the Spark jobs that follow in the UI, the history server and the driver's log
        # ("Job 3 finished: write processed.fact_orders"), not "save at NativeMethodAccessorImpl".
        spark.sparkContext.setLocalProperty("callSite.short", what)

    written = {}
    try:
        execute("SELECT pg_advisory_lock(hashtext('datapark.daily_batch'))")
        # Dimensions: replaced whole, keeping the tables (and their grants) in place.
        for table, frame in {
            "processed.dim_customers": t.dim_customers(customers),
            "processed.dim_products": t.dim_products(products),
        }.items():
            labelled(f"replace {table}")
            replace = frame.write.format("jdbc").options(dbtable=table, truncate="true", **jdbc)
            replace.mode("overwrite").save()
        # Dated tables: delete the day, then append it.
        for table, column in DATED_TABLES.items():
            execute(f"DELETE FROM {table} WHERE {column} = ?::date", day)
        for table, frame in outputs.items():
            labelled(f"write {table}")
            frame.write.format("jdbc").options(dbtable=table, **jdbc).mode("append").save()
            labelled(f"count {table}")
            written[table] = frame.count()
        execute("SELECT pg_advisory_unlock(hashtext('datapark.daily_batch'))")
    finally:
        connection.close()
    print(
        f"daily_batch {day} as of {as_of.isoformat()}: " + ", ".join(f"{k}={v}" for k, v in written.items())
    )
    spark.stop()


if __name__ == "__main__":
    main()
