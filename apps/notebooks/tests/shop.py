"""A shop for the notebooks to show: days of the simulated shop in `source`, its latest events in
Kafka and `raw`, the batch's tables in `processed`, made with the project's own CLIs as
`npm run demo` makes them. Whatever is there already is kept; only what is missing is made."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from datapark_sdk.config import load_config

DAYS = 7


def _run(root: Path, args: list[str]) -> None:
    print(f"shop: {' '.join(args)}", file=sys.stderr, flush=True)
    result = subprocess.run(["node", *args], cwd=root, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-20:])
        raise RuntimeError(f"node {' '.join(args)} exited {result.returncode}:\n{tail}")


def _finished_days_with_orders(cursor: psycopg.Cursor, today: dt.date) -> list[dt.date]:
    cursor.execute(
        """SELECT DISTINCT (placed_at AT TIME ZONE 'UTC')::date AS day FROM source.orders
           WHERE placed_at >= %s AND placed_at < %s ORDER BY day""",
        (today - dt.timedelta(days=DAYS), today),
    )
    return [row[0] for row in cursor.fetchall()]


def ensure_shop(root: Path) -> dict:
    """The finished days (UTC) the notebooks can show, each in `source` and `processed`."""
    config = load_config(cwd=root)
    analyst = config.postgres_login("analyst")
    generator = root / "apps" / "event-generator" / "dist" / "cli.js"
    etl = root / "apps" / "etl-driver" / "dist" / "cli.js"
    for cli in (generator, etl):
        if not cli.exists():
            raise RuntimeError(f"{cli} is missing: build first (npx nx run-many -t build)")
    os.environ.setdefault("DATAPARK_STATE_DIR", str(config.state_dir))
    today = dt.datetime.now(dt.UTC).date()
    with psycopg.connect(analyst.url, autocommit=True) as connection, connection.cursor() as cursor:
        days = _finished_days_with_orders(cursor, today)
        if not days:
            # As the demo: two days of the shop with seed 42, into Kafka and PostgreSQL.
            _run(
                root,
                [
                    str(generator),
                    "--mode",
                    "backfill",
                    "--days",
                    "2",
                    "--sink",
                    "kafka,postgres",
                    "--seed",
                    "42",
                ],
            )
            days = _finished_days_with_orders(cursor, today)
        # A few seconds of the live shop, as the demo's real-time minute: the newest records
        # of the topics are the shop's, for the notebooks that read what happens now.
        seed = str(int(dt.datetime.now(dt.UTC).timestamp()))
        _run(
            root,
            [str(generator), "--mode", "realtime", "--rate", "200", "--duration", "15"]
            + ["--sink", "kafka,postgres", "--seed", seed],
        )
        # Kafka into raw, exactly once (resumes from the stored offsets; quick when caught up).
        _run(root, [str(etl), "ingest", "--until-caught-up"])
        cursor.execute("SELECT sales_date FROM processed.daily_sales WHERE orders_count > 0")
        computed = {row[0] for row in cursor.fetchall()}
        for day in days:
            if day not in computed:
                _run(root, [str(etl), "batch", "run", "--direct", "--date", day.isoformat()])
    if not days:
        raise RuntimeError("the backfill left no finished day with orders in source.orders")
    return {"days": days}
