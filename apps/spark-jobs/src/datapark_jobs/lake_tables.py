"""The lake's tables (catalog `lake`): their columns and partitioning, created when missing.

Format version 2 (row-level deletes, what rewrite_data_files and MERGE write), and old metadata
files deleted after each commit beyond the last few, so a table that is rewritten daily does not
keep every metadata.json it ever had.
"""

from __future__ import annotations

from types import MappingProxyType

from pyspark.sql import SparkSession

#: Each table: its DDL columns and its partitioning.
LAKE_TABLES = MappingProxyType(
    {
        "lake.bronze.order_events": (
            "event_id STRING, event_type STRING, schema_version INT, occurred_at TIMESTAMP, "
            "producer STRING, order_id STRING, payload STRING, kafka_topic STRING, "
            "kafka_partition INT, kafka_offset BIGINT, ingested_at TIMESTAMP",
            "days(occurred_at)",
        ),
        "lake.silver.orders": (
            "order_id STRING, customer_id STRING, order_date DATE, status STRING, "
            "total_amount DECIMAL(12,2), currency STRING, placed_at TIMESTAMP",
            "order_date",
        ),
        "lake.silver.order_items": (
            "order_id STRING, line_no INT, product_id STRING, order_date DATE, quantity INT, "
            "unit_price DECIMAL(12,2), line_amount DECIMAL(14,2)",
            "order_date",
        ),
        "lake.gold.daily_sales": (
            "sales_date DATE, orders_count INT, items_sold INT, revenue DECIMAL(14,2), "
            "avg_order_value DECIMAL(12,2), distinct_customers INT",
            "sales_date",
        ),
    }
)


#: The streaming bronze archive (jobs/kafka_bronze.py): every record of every event topic as Kafka
#: kept it, appended by a streaming query. Apart from LAKE_TABLES: the daily jobs neither build
#: nor count it.
STREAM_TABLES = MappingProxyType(
    {
        "lake.bronze.kafka_events": (
            "topic STRING, `partition` INT, `offset` BIGINT, key STRING, value STRING, "
            "kafka_timestamp TIMESTAMP, day DATE",
            "topic, day",
        ),
    }
)


def ensure_lake_tables(spark: SparkSession, tables=LAKE_TABLES) -> None:
    """Creates the namespaces and tables that are missing; never alters one that exists."""
    for table, (columns, partitioning) in tables.items():
        spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {table.rsplit('.', 1)[0]}")
        spark.sql(
            f"CREATE TABLE IF NOT EXISTS {table} ({columns}) USING iceberg PARTITIONED BY ({partitioning}) "
            "TBLPROPERTIES ('format-version' = '2', 'write.metadata.delete-after-commit.enabled' = 'true')"
        )
