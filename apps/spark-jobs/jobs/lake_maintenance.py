"""Lake maintenance: what keeps Iceberg tables small and fast, on every table of the lake.

    spark-submit jobs/lake_maintenance.py [--retain-last 5] [--expire-older-than 2026-11-01T00:00:00Z]
                                          [--orphans-older-than 2026-10-29T00:00:00Z]

For each table of datapark_jobs.lake_tables (the daily tables, and the streaming bronze archive
``lake.bronze.kafka_events`` when the streaming job has created it), in this order:
1. compaction: ``rewrite_data_files`` bin-packs small data files (each daily rerun adds some; the
   streaming archive adds one or more per topic and day with every micro-batch, which is where
   compaction pays most);
2. ``expire_snapshots``: snapshots older than --expire-older-than (default: a day ago) go, the
   last --retain-last stay; the files only they referenced are deleted (time travel to them ends);
3. ``remove_orphan_files``: files under the table's location that no snapshot references (left by
   a failed write), older than --orphans-older-than (default: three days ago, so a write still
   running is never mistaken for an orphan), listed through S3FileIO (prefix listing).

The last line the driver prints is ``lake_maintenance {json}``: per table, the result rows of
rewrite_data_files and expire_snapshots (files rewritten and added, files deleted), the orphans
removed, and the snapshots before and after.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1] / "src"), str(HERE.parents[3] / "packages" / "python-sdk" / "src")]

from pyspark.sql import SparkSession  # noqa: E402

from datapark_jobs.lake_tables import LAKE_TABLES, STREAM_TABLES, ensure_lake_tables  # noqa: E402
from datapark_sdk.config import lake_spark_conf, load_config  # noqa: E402


def instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text} has no time zone: e.g. 2026-11-01T00:00:00Z")
    return value


def sql_timestamp(value: datetime) -> str:
    return f"TIMESTAMP '{value.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def maintain(spark: SparkSession, table: str, retain_last: int, expire: datetime, orphans: datetime) -> dict:
    # The full name: given `bronze.order_events`, Iceberg first tries `bronze` as a catalog and
    # logs a CatalogNotFoundException with its stack trace (a WARN) before it finds the table.
    name = table
    snapshots = lambda: spark.sql(f"SELECT count(*) AS n FROM {table}.snapshots").first()["n"]  # noqa: E731
    before = snapshots()
    spark.sparkContext.setLocalProperty("callSite.short", f"rewrite_data_files {table}")
    rewritten = spark.sql(
        f"CALL lake.system.rewrite_data_files(table => '{name}', options => map('min-input-files', '2'))"
    ).first()
    spark.sparkContext.setLocalProperty("callSite.short", f"expire_snapshots {table}")
    expired = spark.sql(
        f"CALL lake.system.expire_snapshots(table => '{name}', older_than => {sql_timestamp(expire)}, "
        f"retain_last => {retain_last})"
    ).first()
    spark.sparkContext.setLocalProperty("callSite.short", f"remove_orphan_files {table}")
    removed = spark.sql(
        f"CALL lake.system.remove_orphan_files(table => '{name}', older_than => {sql_timestamp(orphans)}, "
        "prefix_listing => true)"
    ).collect()
    return {
        # The procedures' own result rows, as Iceberg names their columns.
        "rewrite_data_files": rewritten.asDict(),
        "expire_snapshots": expired.asDict(),
        "orphan_files_removed": len(removed),
        "snapshots_before": before,
        "snapshots_after": snapshots(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    now = datetime.now(UTC)
    parser.add_argument("--retain-last", type=int, default=5, help="snapshots every table keeps (default 5)")
    parser.add_argument(
        "--expire-older-than",
        type=instant,
        default=now - timedelta(days=1),
        help="expire snapshots older than this ISO instant (default: a day ago)",
    )
    parser.add_argument(
        "--orphans-older-than",
        type=instant,
        default=now - timedelta(days=3),
        help="remove unreferenced files older than this ISO instant (default: three days ago)",
    )
    args = parser.parse_args()
    if args.retain_last < 1:
        parser.error("--retain-last must be at least 1: a table keeps its current snapshot")
    if args.orphans_older_than > now - timedelta(hours=24):
        # Iceberg's procedure refuses it too: a younger file may belong to a write still running.
        parser.error("--orphans-older-than must be at least 24 hours ago")

    builder = (
        SparkSession.builder.appName("lake-maintenance")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
    )
    for key, value in lake_spark_conf(load_config()).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    ensure_lake_tables(spark)
    # The streaming archive is the streaming job's to create (with its partitioning); until it
    # has, there is nothing of it to maintain.
    tables = [*LAKE_TABLES, *(t for t in STREAM_TABLES if spark.catalog.tableExists(t))]
    results = {
        table: maintain(spark, table, args.retain_last, args.expire_older_than, args.orphans_older_than)
        for table in tables
    }
    print("lake_maintenance " + json.dumps(results, sort_keys=True), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
