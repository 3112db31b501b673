"""The lake's silver and gold on local[1]: an order's status is the one its latest event left it
in, even when that event came on a later day than the order (what `processed` sees in source)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pyspark.sql import types as T

from datapark_jobs import lake_transforms as t

DAY = "2026-11-03"
SCHEMA = T.StructType(
    [
        T.StructField("event_id", T.StringType()),
        T.StructField("event_type", T.StringType()),
        T.StructField("schema_version", T.IntegerType()),
        T.StructField("occurred_at", T.TimestampType()),
        T.StructField("producer", T.StringType()),
        T.StructField("order_id", T.StringType()),
        T.StructField("payload", T.StringType()),
        T.StructField("kafka_topic", T.StringType()),
        T.StructField("kafka_partition", T.IntegerType()),
        T.StructField("kafka_offset", T.LongType()),
        T.StructField("ingested_at", T.TimestampType()),
    ]
)


def event(n: int, order: str, event_type: str, at: str, payload: dict | None = None) -> tuple:
    when = datetime.fromisoformat(at).replace(tzinfo=UTC)
    body = payload or {"order_id": order, "customer_id": f"c-{order}"}
    return (f"e{n}", event_type, 1, when, "test", order, json.dumps(body), "order-events", 0, n, when)


def placed(n: int, order: str, at: str, total: str) -> tuple:
    items = [{"line_no": 1, "product_id": "p1", "quantity": 2, "unit_price": str(float(total) / 2)}]
    payload = {"order_id": order, "customer_id": f"c-{order}", "items": items, "total_amount": total}
    return event(n, order, "order_placed", at, {**payload, "currency": "EUR", "session_id": None})


def frames(spark):
    day_events = [
        placed(1, "o1", f"{DAY}T09:00:00", "20.00"),
        event(2, "o1", "order_paid", f"{DAY}T09:05:00"),
        placed(3, "o2", f"{DAY}T22:00:00", "50.00"),
        event(4, "o2", "order_paid", f"{DAY}T22:01:00"),
    ]
    # The next morning: o2 is cancelled; o1 ships (still a sale).
    next_day = [
        event(5, "o2", "order_cancelled", "2026-11-04T08:00:00"),
        event(6, "o1", "order_shipped", "2026-11-04T10:00:00"),
    ]
    return spark.createDataFrame(day_events, SCHEMA), spark.createDataFrame(next_day, SCHEMA)


def statuses(orders) -> dict:
    return {r["order_id"]: r["status"] for r in orders.select("order_id", "status").collect()}


def test_a_later_cancellation_makes_a_day_order_cancelled_and_leaves_gold_as_processed_counts(spark):
    bronze, later = frames(spark)
    as_of = datetime(2026, 11, 5, tzinfo=UTC)

    orders = t.silver_orders(bronze, DAY, as_of, later=later)

    assert statuses(orders) == {"o1": "shipped", "o2": "cancelled"}
    gold = t.gold_daily_sales(orders, t.silver_order_items(orders), DAY).first()
    assert (gold["orders_count"], str(gold["revenue"]), gold["items_sold"]) == (1, "20.00", 2)


def test_without_the_later_events_the_day_alone_decides(spark):
    bronze, _ = frames(spark)

    orders = t.silver_orders(bronze, DAY, datetime(2026, 11, 5, tzinfo=UTC))

    assert statuses(orders) == {"o1": "paid", "o2": "paid"}
    gold = t.gold_daily_sales(orders, t.silver_order_items(orders), DAY).first()
    assert (gold["orders_count"], str(gold["revenue"])) == (2, "70.00")


def test_events_after_as_of_do_not_count(spark):
    bronze, later = frames(spark)

    # As of the next morning at 09:00: the cancellation (08:00) counts, the shipment (10:00) not.
    orders = t.silver_orders(bronze, DAY, datetime(2026, 11, 4, 9, tzinfo=UTC), later=later)

    assert statuses(orders) == {"o1": "paid", "o2": "cancelled"}
