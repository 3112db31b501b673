"""Reference solution of lesson 4, submitted by its test (its first argument: the test's suffix)."""

from __future__ import annotations

import sys
from pathlib import Path

_root = next(p for p in Path(__file__).resolve().parents if (p / "packages" / "python-sdk").is_dir())
sys.path.insert(0, str(_root / "packages" / "python-sdk" / "src"))

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from datapark_sdk.config import load_config  # noqa: E402

SUFFIX = sys.argv[1] if len(sys.argv) > 1 else ""


def main() -> None:
    pg = load_config().postgres_login("lab")
    spark = (
        SparkSession.builder.appName(f"lab-lesson-04{SUFFIX}")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    jdbc = {"url": pg.jdbc_url, "user": pg.user, "password": pg.password, "driver": "org.postgresql.Driver"}
    orders = spark.read.format("jdbc").options(dbtable="source.orders", **jdbc).load()
    daily = orders.groupBy(F.to_date("placed_at").alias("day")).agg(
        F.count("*").alias("orders"),
        F.sum("total_amount").cast("decimal(14,2)").alias("revenue"),
    )
    daily.write.format("jdbc").options(
        dbtable=f"lab.lesson04_daily_orders{SUFFIX}", truncate="true", **jdbc
    ).mode("overwrite").save()
    spark.stop()


if __name__ == "__main__":
    main()
