"""datapark_batch_etl on the real platform: Airflow (Celery worker) -> Spark REST -> PostgreSQL.

Seeds `source` for a day of its own (as the generator role), and the same orders as events in
`raw` (as ingest lands them), triggers the DAG for that day through the REST API, and checks what
landed in `processed` and `etl.job_runs` against what was seeded, and that the lake built the day
and its gold agreed with `processed`. A second run of the same DAG run (its batch tasks cleared)
must leave the same rows: idempotent per day.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
import uuid
from datetime import UTC, datetime

import pytest

from conftest import ROOT

DAG_ID = "datapark_batch_etl"
RUN_TIMEOUT_S = 900
# Days of their own, far in the past (the spark-jobs tests use 2001), so reruns never collide.
DAY = f"2002-{random.randint(1, 12):02d}-{random.randint(10, 28):02d}"
EMPTY_DAY = f"2003-{random.randint(1, 12):02d}-{random.randint(10, 28):02d}"
CUSTOMERS = [str(uuid.uuid4()) for _ in range(2)]
PRODUCTS = [(str(uuid.uuid4()), "10.00"), (str(uuid.uuid4()), "4.50")]
# Kafka positions no real record has: a partition the order-events topic does not have.
RAW_PARTITION = 900 + random.randint(0, 98)
# The events that leave an order in each status, after its order_placed.
EVENTS_TO = {
    "paid": ["order_paid"],
    "delivered": ["order_paid", "order_delivered"],
    "cancelled": ["order_cancelled"],
}
# (order id, customer, status, [(product index, quantity)]) placed on DAY.
ORDERS = [
    (str(uuid.uuid4()), 0, "paid", [(0, 2), (1, 1)]),
    (str(uuid.uuid4()), 1, "delivered", [(0, 1)]),
    (str(uuid.uuid4()), 1, "cancelled", [(1, 5)]),
]
DATED = {
    "processed.fact_orders": "order_date",
    "processed.fact_order_items": "order_date",
    "processed.daily_sales": "sales_date",
    "processed.product_performance": "sales_date",
}


@pytest.fixture(scope="module")
def seeded(connect):
    at = f"{DAY}T09:30:00Z"
    with connect("generator").cursor() as cur:
        for i, customer in enumerate(CUSTOMERS):
            cur.execute(
                "INSERT INTO source.customers (customer_id, email, first_name, last_name, country, city, "
                "registered_at, updated_at) VALUES (%s, %s, %s, %s, 'DE', 'Berlin', %s, %s)",
                (customer, f"{customer}@example.test", f"F{i}", f"L{i}", at, at),
            )
        for i, (product, price) in enumerate(PRODUCTS):
            cur.execute(
                "INSERT INTO source.products (product_id, sku, name, category, price, stock, created_at, "
                "updated_at) VALUES (%s, %s, %s, 'test', %s, 100, %s, %s)",
                (product, f"SKU-{product}", f"P{i}", price, at, at),
            )
        for n, (order, customer, status, lines) in enumerate(ORDERS):
            total = sum(qty * float(PRODUCTS[p][1]) for p, qty in lines)
            placed = f"{DAY}T{10 + n:02d}:15:00Z"
            cur.execute(
                "INSERT INTO source.orders (order_id, customer_id, status, total_amount, placed_at, "
                "updated_at) VALUES (%s, %s, %s, %s, %s, %s)",
                (order, CUSTOMERS[customer], status, f"{total:.2f}", placed, placed),
            )
            for line_no, (p, qty) in enumerate(lines, start=1):
                cur.execute(
                    "INSERT INTO source.order_items (order_id, line_no, product_id, quantity, unit_price) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    (order, line_no, PRODUCTS[p][0], qty, PRODUCTS[p][1]),
                )
    # The same orders as the events ingest lands from Kafka: what the lake step builds from.
    offset = 0
    with connect("ingest").cursor() as cur:
        for n, (order, customer, status, lines) in enumerate(ORDERS):
            total = sum(qty * float(PRODUCTS[p][1]) for p, qty in lines)
            ref = {"order_id": order, "customer_id": CUSTOMERS[customer]}
            items = [
                {"line_no": i, "product_id": PRODUCTS[p][0], "quantity": qty, "unit_price": PRODUCTS[p][1]}
                for i, (p, qty) in enumerate(lines, start=1)
            ]
            placed = {
                **ref,
                "items": items,
                "total_amount": f"{total:.2f}",
                "currency": "EUR",
                "session_id": None,
            }
            for k, (event_type, payload) in enumerate(
                [("order_placed", placed), *((e, ref) for e in EVENTS_TO[status])]
            ):
                cur.execute(
                    "INSERT INTO raw.order_events (event_id, event_type, schema_version, occurred_at, "
                    "producer, order_id, payload, kafka_topic, kafka_partition, kafka_offset) "
                    "VALUES (%s, %s, 1, %s, 'batch-etl-dag-test', %s, %s, 'order-events', %s, %s)",
                    (
                        str(uuid.uuid4()),
                        event_type,
                        f"{DAY}T{10 + n:02d}:{15 + k:02d}:00Z",
                        order,
                        json.dumps(payload),
                        RAW_PARTITION,
                        offset,
                    ),
                )
                offset += 1
    yield
    ids = [o[0] for o in ORDERS]
    with connect("generator").cursor() as cur:
        cur.execute("DELETE FROM source.order_items WHERE order_id = ANY(%s::uuid[])", (ids,))
        cur.execute("DELETE FROM source.orders WHERE order_id = ANY(%s::uuid[])", (ids,))
        cur.execute(
            "DELETE FROM source.products WHERE product_id = ANY(%s::uuid[])", ([p for p, _ in PRODUCTS],)
        )
        cur.execute("DELETE FROM source.customers WHERE customer_id = ANY(%s::uuid[])", (CUSTOMERS,))
    with connect("owner").cursor() as cur:
        cur.execute(
            "DELETE FROM raw.order_events WHERE producer = 'batch-etl-dag-test' AND kafka_partition = %s",
            (RAW_PARTITION,),
        )
        for table, column in DATED.items():
            cur.execute(f"DELETE FROM {table} WHERE {column} = %s::date", (DAY,))
        cur.execute(
            "DELETE FROM etl.job_runs WHERE job_name = %s AND logical_date = ANY(%s::date[])",
            (DAG_ID, [DAY, EMPTY_DAY]),
        )


@pytest.fixture(scope="module")
def unpaused(airflow):
    """Runs of a paused DAG are never scheduled. Left unpaused after: the etl-driver and the
    airflow-client tests unpause it too, and pausing it under their runs would stall them."""
    airflow.call("PATCH", f"/dags/{DAG_ID}", json={"is_paused": False})


def trigger(airflow, day: str) -> str:
    # A manual run computes its logical date's day; the seconds keep logical dates unique.
    run_id = f"test-{uuid.uuid4()}"
    logical = datetime.fromisoformat(f"{day}T12:00:00+00:00").replace(second=random.randint(0, 59))
    airflow.call(
        "POST",
        f"/dags/{DAG_ID}/dagRuns",
        json={"dag_run_id": run_id, "logical_date": logical.astimezone(UTC).isoformat()},
    )
    return run_id


def wait_for(airflow, run_id: str) -> str:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        state = airflow.call("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}")["state"]
        if state in {"success", "failed"}:
            return state
        time.sleep(3)
    raise AssertionError(
        f"{DAG_ID} run {run_id} did not finish in {RUN_TIMEOUT_S}s: {task_states(airflow, run_id)}"
    )


def datapark(*args: str) -> None:
    """The platform CLI as a learner runs it (Node 22+: npm's node when run through npm/nx)."""
    node = os.environ.get("npm_node_execpath") or shutil.which("node") or "node"
    cli = ROOT / "apps" / "datapark-cli" / "dist" / "cli.js"
    done = subprocess.run([node, str(cli), *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"datapark {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def task_states(airflow, run_id: str) -> dict[str, str | None]:
    tis = airflow.call("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")["task_instances"]
    return {ti["task_id"]: ti["state"] for ti in tis}


def test_a_run_computes_its_day_checks_it_and_records_it_and_a_rerun_changes_nothing(
    airflow, connect, seeded, unpaused
):
    run_id = trigger(airflow, DAY)
    states = None
    if wait_for(airflow, run_id) != "success":
        states = task_states(airflow, run_id)
    assert states is None, f"the run failed: {states} (task logs in .datapark/logs/airflow/)"

    def processed():
        with connect("analyst").cursor() as cur:
            cur.execute(
                "SELECT orders_count, items_sold, revenue::text, distinct_customers "
                "FROM processed.daily_sales WHERE sales_date = %s",
                (DAY,),
            )
            sales = cur.fetchall()
            cur.execute(
                "SELECT order_id::text, status, item_count FROM processed.fact_orders "
                "WHERE order_date = %s ORDER BY placed_at",
                (DAY,),
            )
            facts = cur.fetchall()
            cur.execute(
                "SELECT status, rows_written, details->'source'->>'orders', details->>'spark_submission_id' "
                "FROM etl.job_runs WHERE job_name = %s AND details->>'airflow_run_id' = %s",
                (DAG_ID, run_id),
            )
            return sales, facts, cur.fetchall()

    sales, facts, runs = processed()
    # Cancelled orders are facts but not sales: 2 orders, 4 items, 2*10 + 4.50 + 10 = 34.50.
    assert sales == [(2, 4, "34.50", 2)]
    assert facts == [(order, status, sum(q for _, q in lines)) for order, _, status, lines in ORDERS]
    assert len(runs) == 1
    status, rows_written, source_orders, submission = runs[0]
    # 3 facts + 4 lines + 1 daily_sales + 2 product_performance rows.
    assert (status, rows_written, source_orders) == ("success", 10, "3")
    assert submission and submission.startswith("driver-")
    # Then the lake: the day is over and its events are in raw, so the lake job built it and its
    # gold agreed with processed (a disagreement fails the driver, and wait_for_lake_job).
    states = task_states(airflow, run_id)
    assert [states.get(t) for t in ("lake_day", "submit_lake_job", "wait_for_lake_job")] == ["success"] * 3

    # The same DAG run again (its batch tasks cleared; the lake's stay as they are): the same
    # rows, the same job_runs row. While the sensor waits for Spark, the api-server (and with it
    # the execution API the task reports to) restarts: the task rides it out instead of failing
    # or being retried.
    airflow.call(
        "POST",
        f"/dags/{DAG_ID}/clearTaskInstances",
        json={
            "dag_run_id": run_id,
            "dry_run": False,
            "only_failed": False,
            "reset_dag_runs": True,
            "task_ids": [t for t in task_states(airflow, run_id) if "lake" not in t],
        },
    )
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while task_states(airflow, run_id).get("wait_for_spark_job") != "running":
        assert time.monotonic() < deadline, task_states(airflow, run_id)
        time.sleep(1)
    datapark("stop", "airflow-api-server")
    datapark("start", "airflow-api-server")
    assert wait_for(airflow, run_id) == "success", task_states(airflow, run_id)
    tries = airflow.call("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")["task_instances"]
    retried = {ti["task_id"]: ti["try_number"] for ti in tries if ti["try_number"] > 2}
    assert retried == {}, "tasks retried in the rerun (try 1 was the first run, 2 the rerun)"
    again_sales, again_facts, again_runs = processed()
    assert (again_sales, again_facts) == (sales, facts)
    assert len(again_runs) == 1 and again_runs[0][:3] == ("success", 10, "3")
    assert again_runs[0][3] != submission, "the rerun submitted the Spark job again"


def test_a_day_without_orders_skips_spark_and_records_an_empty_run(airflow, connect, unpaused):
    run_id = trigger(airflow, EMPTY_DAY)
    assert wait_for(airflow, run_id) == "success", task_states(airflow, run_id)
    states = task_states(airflow, run_id)
    assert states["extract_source"] == "skipped"
    assert states["submit_spark_job"] == "skipped"
    assert states["finish_run"] == "success"
    # No order event of the day in raw: nothing for the lake, and its job is not submitted.
    assert [states[t] for t in ("lake_day", "submit_lake_job", "wait_for_lake_job")] == ["skipped"] * 3
    with connect("analyst").cursor() as cur:
        cur.execute(
            "SELECT status, rows_written, logical_date::text FROM etl.job_runs "
            "WHERE job_name = %s AND details->>'airflow_run_id' = %s",
            (DAG_ID, run_id),
        )
        assert cur.fetchall() == [("success", 0, EMPTY_DAY)]
