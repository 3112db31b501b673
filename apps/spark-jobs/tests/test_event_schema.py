"""The Spark schemas come from the events package's JSON Schema export."""

import json

from pyspark.sql import types as T

from datapark_jobs.event_schema import CATALOG, topic_event_types, topic_event_versions, topic_schema


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


def test_every_published_version_is_known_and_its_fields_are_in_the_struct():
    assert ("page_view", 1) in topic_event_versions("clickstream")
    assert ("page_view", 2) in topic_event_versions("clickstream")
    # One entry per event type, however many versions it has.
    assert topic_event_types("clickstream").count("page_view") == 1
    envelope = topic_schema("clickstream")
    assert envelope["schema_version"].dataType == T.LongType()
    # page_view v2's device is in the payload struct, null for records of v1.
    assert "device" in envelope["payload"].dataType.fieldNames()
