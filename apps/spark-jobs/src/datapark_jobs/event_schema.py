"""Spark schemas of the event topics, derived from the JSON Schema that @datapark/events
exports (packages/events/json-schema/catalog.json): the jobs never restate the event fields."""

from __future__ import annotations

import json
from pathlib import Path

from pyspark.sql import types as T

CATALOG = Path(__file__).resolve().parents[4] / "packages" / "events" / "json-schema" / "catalog.json"


def _spark_type(schema: dict) -> T.DataType:
    if "anyOf" in schema:  # nullable: [X, {"type": "null"}]
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _spark_type(options[0])
    kind = schema.get("type", "string")
    if isinstance(kind, list):  # ["string", "null"]
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        return _struct(schema.get("properties", {}))
    if kind == "array":
        return T.ArrayType(_spark_type(schema.get("items", {})))
    return {
        "integer": T.LongType(),
        "number": T.DoubleType(),
        "boolean": T.BooleanType(),
    }.get(kind, T.StringType())


def _struct(properties: dict) -> T.StructType:
    return T.StructType([T.StructField(name, _spark_type(p), True) for name, p in properties.items()])


def _topic_spec(topic: str, catalog: Path) -> dict:
    doc = json.loads(catalog.read_text())
    spec = next((t for t in doc["topics"] if t["name"] == topic), None)
    if spec is None:
        raise KeyError(f"topic {topic} is not in {catalog}")
    return spec


def event_topics(catalog: Path = CATALOG) -> list[str]:
    """The event topics of the catalog, in its order (customer-events, product-events,
    order-events, clickstream): not their dead-letter topics, which the catalog lists apart."""
    return [spec["name"] for spec in json.loads(catalog.read_text())["topics"]]


def topic_key(topic: str, catalog: Path = CATALOG) -> str:
    """The payload field the topic is keyed (and partitioned) by, e.g. `session_id`."""
    return _topic_spec(topic, catalog)["key"]


def topic_event_types(topic: str, catalog: Path = CATALOG) -> list[str]:
    """The event types the topic carries, e.g. `order_placed`, `order_paid`…"""
    return list(dict.fromkeys(event_type for event_type, _ in topic_event_versions(topic, catalog)))


def topic_event_versions(topic: str, catalog: Path = CATALOG) -> list[tuple[str, int]]:
    """Every published (event type, contract version) of the topic, e.g. `("page_view", 2)`:
    a record naming any other pair comes from a producer newer than this job (docs/contracts.md)."""
    spec = _topic_spec(topic, catalog)
    return [
        (event["properties"]["event_type"]["const"], event["properties"]["schema_version"]["const"])
        for event in spec["schema"]["oneOf"]
    ]


def topic_schema(topic: str, catalog: Path = CATALOG) -> T.StructType:
    """One struct for every event type and version of the topic: the envelope, and a payload
    holding the union of the payload fields of all of them (absent ones are null). A field a newer
    version added (page_view v2's `device`) is null in records of the older versions."""
    spec = _topic_spec(topic, catalog)
    envelope: dict[str, dict] = {}
    payload: dict[str, dict] = {}
    for event in spec["schema"]["oneOf"]:
        for name, prop in event["properties"].items():
            if name == "payload":
                payload.update(prop["properties"])
            else:
                envelope.setdefault(name, prop)
    fields = [T.StructField(name, _spark_type(p), True) for name, p in envelope.items()]
    return T.StructType([*fields, T.StructField("payload", _struct(payload), True)])
