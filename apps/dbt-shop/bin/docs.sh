#!/usr/bin/env bash
# `dbt docs generate` (the site, the manifest and the catalog read from the database) into
# target/docs, which Airflow serves behind its login at /dbt-docs/ (the datapark_dbt_docs plugin
# in apps/airflow-dags/plugins). Swapped in whole, so the site never shows half-written files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
docs="$here/../target/docs"
next="$docs.next.$$"
trap 'rm -rf "$next"' EXIT
bash "$here/dbt.sh" docs generate --target-path "$next" --log-path "$next/logs" "$@"
rm -rf "$docs.old"
[ ! -d "$docs" ] || mv "$docs" "$docs.old"
mv "$next" "$docs"
rm -rf "$docs.old"
echo "dbt-shop: docs at $(cd "$docs" && pwd)/index.html (served at <airflow>/dbt-docs/)"
