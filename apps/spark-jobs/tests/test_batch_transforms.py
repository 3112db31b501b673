"""The batch transforms on small fixtures; every expectation is computed here in plain Python
from the same rows, not read back from the job."""

from datetime import UTC, datetime
from decimal import Decimal

from pyspark.sql import types as T

from datapark_jobs import batch_transforms as t

DAY = "2026-11-01"
ORDERS = [
    # order_id, customer_id, status, total, placed_at
    ("o1", "c1", "paid", Decimal("30.00"), datetime(2026, 11, 1, 9, 0, tzinfo=UTC)),
    ("o2", "c2", "delivered", Decimal("12.50"), datetime(2026, 11, 1, 23, 59, tzinfo=UTC)),
    ("o3", "c1", "cancelled", Decimal("99.00"), datetime(2026, 11, 1, 12, 0, tzinfo=UTC)),
    ("o4", "c3", "placed", Decimal("5.00"), datetime(2026, 11, 2, 0, 0, 1, tzinfo=UTC)),
    ("o5", "c2", "refunded", Decimal("7.00"), datetime(2026, 11, 1, 1, 0, tzinfo=UTC)),
]
ITEMS = [
    # order_id, line_no, product_id, quantity, unit_price
    ("o1", 1, "p1", 2, Decimal("10.00")),
    ("o1", 2, "p2", 1, Decimal("10.00")),
    ("o2", 1, "p1", 1, Decimal("12.50")),
    ("o3", 1, "p3", 9, Decimal("11.00")),
    ("o4", 1, "p1", 1, Decimal("5.00")),
    ("o5", 1, "p2", 1, Decimal("7.00")),
]

ORDER_SCHEMA = T.StructType(
    [
        T.StructField("order_id", T.StringType()),
        T.StructField("customer_id", T.StringType()),
        T.StructField("status", T.StringType()),
        T.StructField("total_amount", T.DecimalType(12, 2)),
        T.StructField("placed_at", T.TimestampType()),
    ]
)
ITEM_SCHEMA = T.StructType(
    [
        T.StructField("order_id", T.StringType()),
        T.StructField("line_no", T.IntegerType()),
        T.StructField("product_id", T.StringType()),
        T.StructField("quantity", T.IntegerType()),
        T.StructField("unit_price", T.DecimalType(12, 2)),
    ]
)


def frames(spark):
    return spark.createDataFrame(ORDERS, ORDER_SCHEMA), spark.createDataFrame(ITEMS, ITEM_SCHEMA)


def expected_day():
    on_day = [o for o in ORDERS if o[4].date().isoformat() == DAY]
    sold = [o for o in on_day if o[2] not in ("cancelled", "refunded")]
    sold_ids = {o[0] for o in sold}
    sold_items = [i for i in ITEMS if i[0] in sold_ids]
    return on_day, sold, sold_items


def test_fact_orders_keep_only_the_day_in_utc_with_item_counts(spark):
    orders, items = frames(spark)
    rows = {r.order_id: r for r in t.fact_orders(orders, items, DAY).collect()}
    on_day, _, _ = expected_day()
    assert set(rows) == {o[0] for o in on_day}
    for o in on_day:
        assert rows[o[0]].item_count == sum(i[3] for i in ITEMS if i[0] == o[0])
        assert rows[o[0]].order_date.isoformat() == DAY


def test_fact_orders_leave_out_orders_placed_at_or_after_as_of(spark):
    orders, items = frames(spark)
    as_of = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    ids = {r.order_id for r in t.fact_orders(orders, items, DAY, as_of).collect()}
    assert ids == {o[0] for o in ORDERS if o[4].date().isoformat() == DAY and o[4] < as_of}
    assert "o3" not in ids  # placed exactly at as_of


def test_daily_sales_excludes_cancelled_and_refunded_orders(spark):
    orders, items = frames(spark)
    facts = t.fact_orders(orders, items, DAY)
    row = t.daily_sales(facts, t.fact_order_items(facts, items), DAY).collect()[0]
    _, sold, sold_items = expected_day()
    revenue = sum(o[3] for o in sold)
    assert row.orders_count == len(sold)
    assert row.revenue == revenue
    assert row.items_sold == sum(i[3] for i in sold_items)
    assert row.distinct_customers == len({o[1] for o in sold})
    assert row.avg_order_value == (revenue / len(sold)).quantize(Decimal("0.01"))


def test_daily_sales_is_zero_on_a_day_without_orders(spark):
    orders, items = frames(spark)
    facts = t.fact_orders(orders, items, "2026-10-01")
    row = t.daily_sales(facts, t.fact_order_items(facts, items), "2026-10-01").collect()[0]
    assert (row.orders_count, row.items_sold, row.revenue, row.avg_order_value) == (0, 0, 0, 0)


def test_product_performance_sums_units_and_line_revenue(spark):
    orders, items = frames(spark)
    facts = t.fact_orders(orders, items, DAY)
    rows = {
        r.product_id: r for r in t.product_performance(facts, t.fact_order_items(facts, items), DAY).collect()
    }
    _, _, sold_items = expected_day()
    expected = {}
    for order_id, _, product, qty, price in sold_items:
        units, revenue, ids = expected.get(product, (0, Decimal("0"), set()))
        expected[product] = (units + qty, revenue + qty * price, ids | {order_id})
    assert set(rows) == set(expected)
    for product, (units, revenue, ids) in expected.items():
        assert (rows[product].units_sold, rows[product].revenue, rows[product].orders_count) == (
            units,
            revenue,
            len(ids),
        )


def test_dim_customers_marks_deleted_customers(spark):
    schema = (
        "customer_id string, email string, first_name string, last_name string, country string, "
        "city string, registered_at timestamp, updated_at timestamp, deleted_at timestamp"
    )
    now = datetime(2026, 11, 1, tzinfo=UTC)
    customers = spark.createDataFrame(
        [
            ("c1", "a@x.io", "Ada", "Lovelace", "GB", "London", now, now, None),
            ("c2", "b@x.io", "Alan", "Turing", "GB", "Wilmslow", now, now, now),
        ],
        schema,
    )
    rows = {r.customer_id: r for r in t.dim_customers(customers).collect()}
    assert rows["c1"].full_name == "Ada Lovelace" and rows["c1"].is_deleted is False
    assert rows["c2"].is_deleted is True
