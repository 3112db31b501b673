"""dbt's test results as rows of the `quality` schema, beside the ETL driver's own checks, so
`datapark-etl report` and the alerts see both. `quality_rows` is pure (reads dbt's artifacts:
run_results.json, manifest.json, sources.json); `record_quality` writes its rows, for both dbt
DAGs."""

from __future__ import annotations

from typing import Any

#: quality.checks.kind of each dbt generic test; not_null, accepted_values, unit tests and other
#: tests check that values lie in their expected domain: `range`.
KINDS = {"unique": "uniqueness", "relationships": "referential", "reconciles_with": "reconcile"}


def _target(manifest: dict[str, Any], node: dict[str, Any]) -> str:
    attached = node.get("attached_node") or (node.get("depends_on", {}).get("nodes") or [""])[0]
    parent = manifest.get("nodes", {}).get(attached) or manifest.get("sources", {}).get(attached)
    if parent:
        return f"{parent['schema']}.{parent.get('identifier') or parent.get('alias') or parent['name']}"
    model = node.get("model")
    return f"analytics.{model}" if model else "analytics"


def quality_rows(
    run_results: dict[str, Any], manifest: dict[str, Any], sources: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One row per dbt data test, unit test and (when `sources` is of the same invocation or
    later) source freshness result: check_name, description, kind, target_table, severity,
    passed, failing_rows, message."""
    rows = []
    for result in run_results.get("results", []):
        uid = result["unique_id"]
        if uid.startswith("test."):
            node = manifest["nodes"][uid]
            kind = KINDS.get((node.get("test_metadata") or {}).get("name", ""), "range")
            description = f"dbt test {node['name']}"
        elif uid.startswith("unit_test."):
            node = manifest["unit_tests"][uid]
            kind = "range"
            description = f"dbt unit test of {node['model']}: {node['name']}"
        else:
            continue
        severity = str(node.get("config", {}).get("severity", "error")).lower()
        rows.append(
            {
                "check_name": f"dbt.{node['name']}",
                "description": description[:500],
                "kind": kind,
                "target_table": _target(manifest, node),
                "severity": "warn" if severity == "warn" else "error",
                "passed": result["status"] == "pass",
                "failing_rows": int(result.get("failures") or 0),
                "message": result.get("message") or result["status"],
            }
        )
    fresh_enough = sources and sources.get("metadata", {}).get("generated_at", "") >= run_results.get(
        "metadata", {}
    ).get("generated_at", "")
    for result in (sources or {}).get("results", []) if fresh_enough else []:
        source = manifest["sources"][result["unique_id"]]
        rows.append(
            {
                "check_name": f"dbt.freshness_{source['source_name']}_{source['name']}",
                "description": f"dbt source freshness of {source['schema']}.{source['name']}",
                "kind": "freshness",
                "target_table": f"{source['schema']}.{source['name']}",
                "severity": "error",
                "passed": result["status"] == "pass",
                "failing_rows": 0,
                "message": f"{result['status']}: newest row {result.get('max_loaded_at')}",
            }
        )
    return rows


def record_quality(conn: Any, triggered_by: str, rows: list[dict[str, Any]]) -> tuple[int, bool]:
    """Writes `rows` (from `quality_rows`) as one quality.check_runs run with its check_results,
    upserting each check's definition, in one transaction on `conn` (a DB-API connection of a role
    that writes `quality`). Returns the run's id and whether every error-severity check passed."""
    passed = all(r["passed"] for r in rows if r["severity"] == "error")
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO quality.check_runs (triggered_by) VALUES (%s) RETURNING run_id",
            (triggered_by,),
        )
        run_id = cur.fetchone()[0]
        for r in rows:
            cur.execute(
                "INSERT INTO quality.checks (check_name, description, kind, target_table, severity) "
                "VALUES (%(check_name)s, %(description)s, %(kind)s, %(target_table)s, %(severity)s) "
                "ON CONFLICT (check_name) DO UPDATE SET description = EXCLUDED.description, "
                "kind = EXCLUDED.kind, target_table = EXCLUDED.target_table, "
                "severity = EXCLUDED.severity",
                r,
            )
            cur.execute(
                "INSERT INTO quality.check_results (run_id, check_name, passed, failing_rows, message) "
                "VALUES (%s, %s, %s, %s, %s)",
                (run_id, r["check_name"], r["passed"], r["failing_rows"], r["message"][:1000]),
            )
        cur.execute(
            "UPDATE quality.check_runs SET status = %s, finished_at = now() WHERE run_id = %s",
            ("passed" if passed else "failed", run_id),
        )
    return run_id, passed
