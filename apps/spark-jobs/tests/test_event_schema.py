"""The Spark schemas come from the events package's JSON Schema export."""

import json

from pyspark.sql import types as T

from datapark_jobs.event_schema import CATALOG, topic_schema


def test_every_catalog_topic_has_a_schema_with_the_envelope():
    topics = [t["name"] for t in json.loads(CATALOG.read_text())["topics"]]
    assert topics == ["customer-events", "product-events", "order-events", "clickstream"]
    for topic in topics:
        names = topic_schema(topic).fieldNames()
        assert {"event_id", "event_type", "occurred_at", "producer", "payload"} <= set(names)


def test_order_payload_is_the_union_of_all_order_event_payloads():
    payload = topic_schema("order-events")["payload"].dataType
    assert isinstance(payload, T.StructType)
    # order_placed brings items and total_amount; order_paid brings amount and payment_method.
    assert {"order_id", "customer_id", "items", "total_amount", "amount", "payment_method"} <= set(
        payload.fieldNames()
    )
    items = payload["items"].dataType
    assert isinstance(items, T.ArrayType)
    assert items.elementType["quantity"].dataType == T.LongType()


def test_parses_a_real_event_with_the_derived_schema(spark):
    event = {
        "event_id": "4d1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11",
        "event_type": "order_placed",
        "schema_version": 1,
        "occurred_at": "2026-11-01T10:00:00.000Z",
        "producer": "test",
        "payload": {
            "order_id": "7c1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11",
            "customer_id": "8c1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11",
            "items": [
                {
                    "line_no": 1,
                    "product_id": "9c1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11",
                    "quantity": 2,
                    "unit_price": "9.50",
                }
            ],
            "total_amount": "19.00",
            "currency": "EUR",
            "session_id": None,
        },
    }
    frame = spark.read.schema(topic_schema("order-events")).json(
        spark.sparkContext.parallelize([json.dumps(event)])
    )
    row = frame.collect()[0]
    assert row.payload.total_amount == "19.00"
    assert row.payload["items"][0].quantity == 2
    assert row.payload.amount is None
