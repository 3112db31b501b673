"""The batch model: `source` OLTP tables to `processed` dimensions, facts and aggregates.

Pure DataFrame functions, so they run the same on the cluster and in pytest on local[1].
Orders count towards sales on the day they were placed, unless cancelled or refunded.
"""

from __future__ import annotations

from datetime import datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

EXCLUDED_FROM_SALES = ("cancelled", "refunded")


def dim_customers(customers: DataFrame) -> DataFrame:
    return customers.select(
        "customer_id",
        "email",
        F.concat_ws(" ", "first_name", "last_name").alias("full_name"),
        "country",
        "city",
        "registered_at",
        F.col("deleted_at").isNotNull().alias("is_deleted"),
        "updated_at",
    )


def dim_products(products: DataFrame) -> DataFrame:
    return products.select(
        "product_id",
        "sku",
        "name",
        "category",
        F.col("price").alias("current_price"),
        "status",
        "updated_at",
    )


def fact_orders(orders: DataFrame, items: DataFrame, day: str, as_of: datetime | None = None) -> DataFrame:
    """Orders placed on `day` (UTC) before `as_of`, with their item count.

    `as_of` makes a run over a day that is still going deterministic: when an executor is lost
    and Spark recomputes a partition, it reads `source` again, and without the cutoff it would
    see orders placed since, so the facts and the aggregates built from them would disagree.
    """
    # The session time zone is UTC (see the job), so this is the UTC calendar day.
    placed = orders.withColumn("order_date", F.to_date("placed_at")).where(
        F.col("order_date") == F.lit(day).cast("date")
    )
    if as_of is not None:
        placed = placed.where(F.col("placed_at") < F.lit(as_of))
    counts = items.groupBy("order_id").agg(F.sum("quantity").cast("int").alias("item_count"))
    return placed.join(counts, "order_id", "left").select(
        "order_id",
        "customer_id",
        "order_date",
        "status",
        F.coalesce("item_count", F.lit(0)).cast("int").alias("item_count"),
        "total_amount",
        "placed_at",
    )


def fact_order_items(orders_of_day: DataFrame, items: DataFrame) -> DataFrame:
    return items.join(orders_of_day.select("order_id", "order_date"), "order_id").select(
        "order_id",
        "line_no",
        "product_id",
        "order_date",
        "quantity",
        "unit_price",
        (F.col("quantity") * F.col("unit_price")).cast("decimal(14,2)").alias("line_amount"),
    )


def daily_sales(facts: DataFrame, fact_items: DataFrame, day: str) -> DataFrame:
    """One row for `day`, zeros when nothing sold."""
    sold = facts.where(~F.col("status").isin(*EXCLUDED_FROM_SALES))
    units = fact_items.join(sold.select("order_id"), "order_id").agg(
        F.coalesce(F.sum("quantity"), F.lit(0)).cast("int").alias("items_sold")
    )
    totals = sold.agg(
        F.count("*").cast("int").alias("orders_count"),
        F.coalesce(F.sum("total_amount"), F.lit(0)).cast("decimal(14,2)").alias("revenue"),
        F.countDistinct("customer_id").cast("int").alias("distinct_customers"),
    )
    return totals.crossJoin(units).select(
        F.lit(day).cast("date").alias("sales_date"),
        "orders_count",
        "items_sold",
        "revenue",
        F.when(F.col("orders_count") > 0, F.round(F.col("revenue") / F.col("orders_count"), 2))
        .otherwise(F.lit(0))
        .cast("decimal(12,2)")
        .alias("avg_order_value"),
        "distinct_customers",
    )


def product_performance(facts: DataFrame, fact_items: DataFrame, day: str) -> DataFrame:
    sold = fact_items.join(
        facts.where(~F.col("status").isin(*EXCLUDED_FROM_SALES)).select("order_id"), "order_id"
    )
    return (
        sold.groupBy("product_id")
        .agg(
            F.lit(day).cast("date").alias("sales_date"),
            F.sum("quantity").cast("int").alias("units_sold"),
            F.sum("line_amount").cast("decimal(14,2)").alias("revenue"),
            F.countDistinct("order_id").cast("int").alias("orders_count"),
        )
        .select("sales_date", "product_id", "units_sold", "revenue", "orders_count")
    )
