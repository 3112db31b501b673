"""Your first Spark job: revenue per day and product category, from the shop's `source` tables,
into lab.first_spark_category_revenue, as the lab role.

    node lab/scripts/submit-spark-job.ts lab/spark/first_job.py

The local platform's workers run on this machine and read this file where it is. The job finds
PostgreSQL and the lab role's password through the Python SDK's config loader (the submitting
script passes DATAPARK_STATE_DIR on). Each run replaces the table's rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This checkout's Python SDK, as the platform's own jobs find it (lab/spark/ -> the checkout).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packages" / "python-sdk" / "src"))

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from datapark_sdk.config import load_config  # noqa: E402

TABLE = "lab.first_spark_category_revenue"


def main() -> None:
    pg = load_config().postgres_login("lab")
    spark = (
        SparkSession.builder.appName("lab-first-job")
        .config("spark.sql.session.timeZone", "UTC")
        # A few thousand rows: 4 shuffle partitions, not Spark's default 200 tiny tasks.
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    jdbc = {"url": pg.jdbc_url, "user": pg.user, "password": pg.password, "driver": "org.postgresql.Driver"}

    def read(table: str):
        return spark.read.format("jdbc").options(dbtable=table, **jdbc).load()

    orders = read("source.orders").where(~F.col("status").isin("cancelled", "refunded"))
    items = read("source.order_items")
    products = read("source.products").select("product_id", "category")
    revenue = (
        items.join(orders.select("order_id", "placed_at"), "order_id")
        .join(products, "product_id")
        .groupBy(F.to_date("placed_at").alias("day"), "category")
        .agg(
            F.countDistinct("order_id").alias("orders"),
            F.sum("quantity").cast("int").alias("units"),
            F.sum(F.col("quantity") * F.col("unit_price")).cast("decimal(14,2)").alias("revenue"),
        )
        .cache()
    )
    # Overwrite, but keep the table (truncate rather than drop): a grant you gave on it stays.
    revenue.write.format("jdbc").options(dbtable=TABLE, truncate="true", **jdbc).mode("overwrite").save()
    print(f"wrote {revenue.count()} rows (day x category) to {TABLE}")
    spark.stop()


if __name__ == "__main__":
    main()
