"""The streaming job keeps only records it can use; anything else would stop its queries."""

import json

import pytest

from datapark_jobs.event_schema import topic_key
from datapark_jobs.stream_events import parse_events, starting_offsets

SESSION = "5b0e6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11"


def click(**overrides):
    event = {
        "event_id": "4d1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11",
        "event_type": "page_view",
        "schema_version": 1,
        "occurred_at": "2026-11-01T10:00:00.000Z",
        "producer": "test",
        "payload": {"session_id": SESSION, "page": "/"},
    }
    event.update(overrides)
    return json.dumps(event)


def test_the_key_of_each_topic_comes_from_the_catalog():
    assert topic_key("clickstream") == "session_id"
    assert topic_key("order-events") == "order_id"


def test_starting_offsets_takes_the_topics_own_offsets_or_a_keyword():
    assert starting_offsets("clickstream", "earliest") == "earliest"
    assert starting_offsets("clickstream", "latest") == "latest"
    spec = json.dumps({"order-events": {"0": "12", "1": 40}, "clickstream": {"0": 7}})
    assert json.loads(starting_offsets("order-events", spec)) == {"order-events": {"0": 12, "1": 40}}
    assert json.loads(starting_offsets("clickstream", spec)) == {"clickstream": {"0": 7}}
    with pytest.raises(ValueError, match=r"offsets of clickstream per partition"):
        starting_offsets("clickstream", json.dumps({"order-events": {"0": 1}}))
    with pytest.raises(ValueError, match=r"--starting-offsets 'yesterday'"):
        starting_offsets("clickstream", "yesterday")


def test_drops_records_that_are_not_usable_events_and_keeps_the_good_ones(spark):
    values = [
        click(),
        "not json at all {",
        json.dumps({"event_type": "page_view"}),  # JSON, but no id, time or session
        click(payload={"page": "/"}),  # no session_id: a NULL key downstream
        click(occurred_at="yesterday"),  # no parseable time
        click(event_type=None),
        "null",
        click(occurred_at="0000-01-01T00:00:00Z"),  # year 0: PostgreSQL refuses it
        click(payload={"session_id": "not-a-uuid", "page": "/"}),
        click(event_id="1"),
        click(event_type="checkout_started", payload={"session_id": SESSION, "cart_value": "NaN"}),
        click(event_type="x" * 200_000),  # unknown, and too big for the metrics' index
        click(event_type="order_placed"),  # a type of another topic
    ]
    frame = spark.createDataFrame([(v,) for v in values], "value string")
    rows = parse_events(frame, "clickstream").collect()
    assert [(r.event_type, r.payload.session_id) for r in rows] == [("page_view", SESSION)]
    assert rows[0].ts is not None


def test_keeps_page_view_v1_and_v2_and_sets_aside_an_unknown_version(spark):
    """The sample evolution of docs/contracts.md: v2 adds an optional `device`."""
    v1 = click(event_id="1d1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11")
    v2 = click(
        event_id="2d1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11",
        schema_version=2,
        payload={"session_id": SESSION, "page": "/", "device": "mobile"},
    )
    v2_without_device = click(event_id="3d1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11", schema_version=2)
    v3 = click(event_id="4e1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11", schema_version=3)
    # product_view has only version 1.
    product_view_v2 = click(
        event_id="5d1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11", event_type="product_view", schema_version=2
    )
    no_version = json.dumps(
        {**json.loads(click(event_id="6d1f6a2e-0b3e-4a57-9a0a-3f6a0e2a9b11")), "schema_version": None}
    )
    frame = spark.createDataFrame(
        [(v,) for v in [v1, v2, v2_without_device, v3, product_view_v2, no_version]], "value string"
    )
    rows = parse_events(frame, "clickstream").collect()
    assert [(r.event_id[0], r.schema_version, r.payload.device) for r in rows] == [
        ("1", 1, None),
        ("2", 2, "mobile"),
        ("3", 2, None),
    ]
