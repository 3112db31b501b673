#!/usr/bin/env bash
# The nx `test` target: `dbt build` (models, their data tests, the unit test) on the platform's
# PostgreSQL as the dbt role, failing on any failing test; then `dbt source freshness`; then the
# negative check: the deliberately broken fixture (models/negative, enabled by a var) must make
# `dbt build` fail on its unique test, or a failing test would not fail this target.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dbt="$here/dbt.sh"
started=$SECONDS
# Its own target folder: the dbt DAGs read run_results.json from the project's target/, and the
# negative check below leaves a failing one there.
DBT_TARGET_PATH=$(mktemp -d)
export DBT_TARGET_PATH
negative_log=$(mktemp)
trap 'rm -rf "$DBT_TARGET_PATH" "$negative_log"' EXIT
bash "$dbt" build
echo "dbt-shop: dbt build passed in $((SECONDS - started)) s"
# Freshness must pass, except on a raw table nothing has been ingested into yet (a fresh
# platform): dbt reports an empty table as ERROR STALE, which says "no data", not "late data".
if ! bash "$dbt" source freshness; then
  "$here/../../../.venv/bin/python" "$here/stale_only_empty.py" "$DBT_TARGET_PATH/sources.json"
fi
if bash "$dbt" build --select negative_fixture --vars '{datapark_negative: true}' >"$negative_log" 2>&1; then
  cat "$negative_log" >&2
  echo "dbt-shop: the broken fixture's build passed; a failing dbt test would not fail this target" >&2
  exit 1
fi
if ! grep -q 'FAIL 1 unique_negative_fixture_id' "$negative_log"; then
  cat "$negative_log" >&2
  echo "dbt-shop: the broken fixture's build failed, but not on its unique test (see above)" >&2
  exit 1
fi
echo "dbt-shop: the broken fixture fails dbt build on unique_negative_fixture_id, as it must"
echo "dbt-shop: test passed in $((SECONDS - started)) s"
