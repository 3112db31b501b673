"""The reconciliation of the lake's gold with processed.daily_sales: what it reports, column by
column (the job fails on any line; apps/spark-jobs/test/lake-daily.test.ts runs it on the cluster)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from datapark_jobs.lake_transforms import reconcile

DAY = "2026-11-01"
ROW = {
    "sales_date": date(2026, 11, 1),
    "orders_count": 2,
    "items_sold": 4,
    "revenue": Decimal("34.50"),
    "avg_order_value": Decimal("17.25"),
    "distinct_customers": 2,
}


def test_equal_rows_reconcile_and_columns_only_processed_has_are_ignored():
    assert reconcile(DAY, dict(ROW), {**ROW, "loaded_at": "2026-11-02 00:10:00"}) == []


def test_each_differing_column_is_named_with_both_values():
    processed = {**ROW, "revenue": Decimal("35.50"), "orders_count": 3}
    assert reconcile(DAY, dict(ROW), processed) == [
        "orders_count: lake 2 != processed 3",
        "revenue: lake 34.50 != processed 35.50",
    ]


def test_amounts_compare_by_value_not_by_how_they_are_written():
    assert reconcile(DAY, dict(ROW), {**ROW, "revenue": Decimal("34.5")}) == []
    assert reconcile(DAY, dict(ROW), {**ROW, "revenue": Decimal("34.51")}) == [
        "revenue: lake 34.50 != processed 34.51"
    ]


def test_a_missing_row_names_the_job_to_run():
    assert reconcile(DAY, None, dict(ROW)) == [
        f"lake.gold.daily_sales has no row for {DAY}: run jobs/lake_daily.py --date {DAY}"
    ]
    assert reconcile(DAY, dict(ROW), None) == [
        f"processed.daily_sales has no row for {DAY}: "
        f"run the daily batch for {DAY} first (jobs/daily_batch.py)"
    ]
