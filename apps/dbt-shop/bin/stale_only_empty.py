"""Exits 0 when every source that failed `dbt source freshness` has no rows at all (nothing
ingested yet), else 1 naming the late ones. Reads dbt's sources.json, where dbt writes an empty
table's max_loaded_at as 0001-01-01 (adapters' _create_freshness_response)."""

import json
import sys


def _empty(result: dict) -> bool:
    return result["status"] == "error" and str(result.get("max_loaded_at", "")).startswith("0001-")


def main(path: str) -> int:
    with open(path) as f:
        results = json.load(f)["results"]
    late = [r["unique_id"] for r in results if r["status"] in ("error", "runtime error") and not _empty(r)]
    empty = [r["unique_id"] for r in results if _empty(r)]
    for uid in empty:
        print(f"dbt-shop: {uid} is empty (nothing ingested yet): its freshness is not judged")
    if late:
        print(f"dbt-shop: late sources: {', '.join(late)}", file=sys.stderr)
        return 1
    return 0 if empty or not results else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
