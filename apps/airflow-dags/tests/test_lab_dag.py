"""The lab's example DAG (lab/dags/lab_first_dag.py), run whole by Airflow's own dag.test() in
this test's throw-away Airflow home, against the real PostgreSQL, through the lab role's
connection in the form the local platform defines its connections (AIRFLOW_CONN_*, JSON)."""

from __future__ import annotations

import json
import random
import uuid

import pytest

from conftest import LAB_EXAMPLE_DAG

TABLE = "lab.first_dag_daily_orders"


@pytest.fixture
def lab_bundle_and_connection(endpoints, monkeypatch):
    """What the local platform gives Airflow: lab/dags as the `lab` bundle (dag.test() finds the
    DAG through its bundle) and the lab role's connection."""
    monkeypatch.setenv(
        "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST",
        json.dumps(
            [
                {
                    "name": "lab",
                    "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                    "kwargs": {"path": str(LAB_EXAMPLE_DAG.parent)},
                }
            ]
        ),
    )
    pg = endpoints["postgres"]
    monkeypatch.setenv(
        "AIRFLOW_CONN_DATAPARK_LAB",
        json.dumps(
            {
                "conn_type": "postgres",
                "host": pg.get("host", "127.0.0.1"),
                "port": pg.get("port", 15432),
                "schema": pg.get("database", "datapark"),
                "login": "lab",
                "password": pg["roles"]["lab"]["password"],
            }
        ),
    )


@pytest.fixture
def shop_day(connect):
    """Three orders of one customer on a day of this test's own (one cancelled), removed after."""
    day = f"2003-{random.randint(1, 9):02d}-{random.randint(10, 27)}"
    customer = str(uuid.uuid4())
    orders = [
        (str(uuid.uuid4()), status, total) for status, total in (("paid", "20.00"), ("shipped", "5.50"))
    ]
    orders.append((str(uuid.uuid4()), "cancelled", "99.00"))
    db = connect("generator")
    with db.cursor() as cur:
        cur.execute(
            "INSERT INTO source.customers (customer_id, email, first_name, last_name, country, city, "
            "registered_at, updated_at) VALUES (%s, %s, 'Lab', 'Dag', 'DE', 'Berlin', %s, %s)",
            (customer, f"{customer}@example.test", f"{day}T08:00:00Z", f"{day}T08:00:00Z"),
        )
        for order_id, status, total in orders:
            cur.execute(
                "INSERT INTO source.orders (order_id, customer_id, status, total_amount, placed_at, "
                "updated_at) VALUES (%s, %s, %s, %s, %s, %s)",
                (order_id, customer, status, total, f"{day}T10:00:00Z", f"{day}T10:00:00Z"),
            )
    yield day
    with db.cursor() as cur:
        cur.execute("DELETE FROM source.orders WHERE order_id = ANY(%s::uuid[])", ([o[0] for o in orders],))
        cur.execute("DELETE FROM source.customers WHERE customer_id = %s", (customer,))
    with connect("lab").cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE day = %s", (day,))


def test_lab_first_dag_writes_orders_and_revenue_per_day_as_the_lab_role(
    lab_bundle_and_connection, shop_day, connect
):
    from airflow.dag_processing.dagbag import DagBag
    from airflow.models.xcom import XComModel
    from airflow.utils import db
    from airflow.utils.session import create_session
    from sqlalchemy import select

    db.initdb()  # the throw-away home's SQLite metadata database, which dag.test() records into
    bag = DagBag(dag_folder=str(LAB_EXAMPLE_DAG))
    assert bag.import_errors == {}
    run = bag.dags["lab_first_dag"].test()
    assert run.state == "success"

    # What `report` returned (its XCom): the table's best day by revenue, compared as numbers.
    with connect("lab").cursor() as cur:
        cur.execute(f"SELECT count(*), (array_agg(day::text ORDER BY revenue DESC))[1] FROM {TABLE}")
        days, best_day = cur.fetchone()
    with create_session() as session:
        reported = session.scalars(
            select(XComModel.value).where(
                XComModel.run_id == run.run_id,
                XComModel.task_id == "report",
                XComModel.key == "return_value",
            )
        ).one()
    assert (reported["days"], reported["best_day"]) == (days, best_day)

    with connect("lab").cursor() as cur:
        cur.execute(f"SELECT orders, revenue::text FROM {TABLE} WHERE day = %s", (shop_day,))
        assert cur.fetchall() == [(2, "25.50")]  # the cancelled order is left out
        cur.execute(
            "SELECT tableowner FROM pg_tables "
            "WHERE schemaname = 'lab' AND tablename = 'first_dag_daily_orders'"
        )
        assert cur.fetchone() == ("lab",)
