"""The lake's medallion model for orders: bronze (events as they landed) -> silver (typed,
deduplicated orders and their lines) -> gold (the day's sales, the same facts as `processed`).

Pure DataFrame functions, so they run the same on the cluster and in pytest on local[1].
Gold reuses batch_transforms.daily_sales: the lake and `processed` count a sale the same way, so a
difference between them is a difference in the data, never in the rule.
"""

from __future__ import annotations

from datetime import datetime

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from datapark_jobs import batch_transforms

#: The columns a bronze table keeps of a landed event (raw.<topic> without its surrogate id);
#: the payload stays the JSON text it arrived as.
BRONZE_COLUMNS = (
    "event_id",
    "event_type",
    "schema_version",
    "occurred_at",
    "producer",
    "order_id",
    "payload",
    "kafka_topic",
    "kafka_partition",
    "kafka_offset",
    "ingested_at",
)

#: The status an order event leaves the order in, and which wins when two share an instant.
ORDER_STATUS_OF_EVENT = {
    "order_placed": ("placed", 0),
    "order_paid": ("paid", 1),
    "order_shipped": ("shipped", 2),
    "order_delivered": ("delivered", 3),
    "order_cancelled": ("cancelled", 4),
    "order_refunded": ("refunded", 5),
}

#: order_placed's payload (packages/events/src/topics/order-events.ts); money is a decimal string.
ORDER_PLACED_PAYLOAD = T.StructType(
    [
        T.StructField("order_id", T.StringType()),
        T.StructField("customer_id", T.StringType()),
        T.StructField(
            "items",
            T.ArrayType(
                T.StructType(
                    [
                        T.StructField("line_no", T.IntegerType()),
                        T.StructField("product_id", T.StringType()),
                        T.StructField("quantity", T.IntegerType()),
                        T.StructField("unit_price", T.StringType()),
                    ]
                )
            ),
        ),
        T.StructField("total_amount", T.StringType()),
        T.StructField("currency", T.StringType()),
        T.StructField("session_id", T.StringType()),
    ]
)


def _status_column(column: str) -> F.Column:
    """(status, rank) of an event type, as a struct; null for a type that changes no status."""
    mapping = F.create_map(
        *[
            item
            for event, (status, rank) in ORDER_STATUS_OF_EVENT.items()
            for item in (F.lit(event), F.struct(F.lit(status).alias("status"), F.lit(rank).alias("rank")))
        ]
    )
    return mapping[F.col(column)]


def order_statuses(bronze: DataFrame, as_of: datetime | None = None) -> DataFrame:
    """Each order's status: the one its latest event (before `as_of`) leaves it in."""
    events = bronze.dropDuplicates(["event_id"])
    if as_of is not None:
        events = events.where(F.col("occurred_at") < F.lit(as_of))
    ranked = events.select("order_id", "occurred_at", _status_column("event_type").alias("s")).where(
        F.col("s").isNotNull()
    )
    latest = Window.partitionBy("order_id").orderBy(F.desc("occurred_at"), F.desc("s.rank"))
    return (
        ranked.withColumn("n", F.row_number().over(latest))
        .where("n = 1")
        .select("order_id", F.col("s.status").alias("status"))
    )


def silver_orders(
    bronze: DataFrame, day: str, as_of: datetime | None = None, later: DataFrame | None = None
) -> DataFrame:
    """Orders placed on `day` (UTC): one row per order (the first order_placed event wins when a
    producer sent it twice), typed, with the status the order's latest event left it in and the
    order's lines as an array (silver_order_items explodes them).

    `later`: order events that occurred after the day (bronze columns), for the statuses only.
    Bronze holds a day's events once that day is built, so an order paid on the day and cancelled
    the next is still `paid` by bronze alone, while `processed` (from source) says `cancelled`:
    gold counted it as a sale and the reconciliation failed on every day followed by one."""
    placed = bronze.where(F.col("event_type") == "order_placed").dropDuplicates(["event_id"])
    if as_of is not None:
        placed = placed.where(F.col("occurred_at") < F.lit(as_of))
    parsed = placed.select(
        "event_id",
        F.col("occurred_at").alias("placed_at"),
        F.from_json("payload", ORDER_PLACED_PAYLOAD).alias("p"),
    ).where(F.to_date("placed_at") == F.lit(day).cast("date"))
    first = Window.partitionBy("p.order_id").orderBy("placed_at", "event_id")
    orders = parsed.withColumn("n", F.row_number().over(first)).where("n = 1")
    events = (
        bronze if later is None else bronze.select(*BRONZE_COLUMNS).unionByName(later.select(*BRONZE_COLUMNS))
    )
    return orders.join(order_statuses(events, as_of), F.col("p.order_id") == F.col("order_id")).select(
        F.col("p.order_id").alias("order_id"),
        F.col("p.customer_id").alias("customer_id"),
        F.to_date("placed_at").alias("order_date"),
        "status",
        F.col("p.total_amount").cast("decimal(12,2)").alias("total_amount"),
        F.col("p.currency").alias("currency"),
        "placed_at",
        F.col("p.items").alias("items"),
    )


def silver_order_items(orders: DataFrame) -> DataFrame:
    lines = orders.select("order_id", "order_date", F.explode("items").alias("i"))
    unit_price = F.col("i.unit_price").cast("decimal(12,2)")
    return lines.select(
        "order_id",
        F.col("i.line_no").alias("line_no"),
        F.col("i.product_id").alias("product_id"),
        "order_date",
        F.col("i.quantity").alias("quantity"),
        unit_price.alias("unit_price"),
        (F.col("i.quantity") * unit_price).cast("decimal(14,2)").alias("line_amount"),
    )


def gold_daily_sales(orders: DataFrame, items: DataFrame, day: str) -> DataFrame:
    """The day's sales, by the rule `processed.daily_sales` is built with."""
    return batch_transforms.daily_sales(orders.drop("items"), items, day)


#: The gold columns the reconciliation compares with `processed.daily_sales`.
RECONCILED_COLUMNS = ("orders_count", "items_sold", "revenue", "avg_order_value", "distinct_customers")


def reconcile(day: str, lake: dict | None, processed: dict | None) -> list[str]:
    """What differs between the lake's gold row and `processed.daily_sales` for `day`, one line
    per column (empty when they agree). Values compare by value (Decimal 34.5 == 34.50)."""
    if lake is None:
        return [f"lake.gold.daily_sales has no row for {day}: run jobs/lake_daily.py --date {day}"]
    if processed is None:
        return [
            f"processed.daily_sales has no row for {day}: "
            f"run the daily batch for {day} first (jobs/daily_batch.py)"
        ]
    return [
        f"{column}: lake {lake[column]} != processed {processed[column]}"
        for column in RECONCILED_COLUMNS
        if lake[column] != processed[column]
    ]
