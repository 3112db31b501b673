#!/usr/bin/env bash
# `dbt docs generate` (the site, the manifest and the catalog read from the database) into
# target/docs, which Airflow serves behind its login at /dbt-docs/ (the datapark_dbt_docs plugin
# in apps/airflow-dags/plugins). Swapped in whole, so the site never shows half-written files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
docs="$here/../target/docs"
next="$docs.next.$$"
# One generate-and-swap at a time (a test and a DAG's teardown may both start one): the loser
# of a race would move a folder another just moved, or nest its new one inside it.
mkdir -p "$(dirname "$docs")"
exec 8>"$docs.lock"
flock 8
trap 'rm -rf "$next"' EXIT
bash "$here/dbt.sh" docs generate --target-path "$next" --log-path "$next/logs" "$@"
rm -rf "$docs.old"
[ ! -d "$docs" ] || mv "$docs" "$docs.old"
mv -T "$next" "$docs"
rm -rf "$docs.old"
echo "dbt-shop: docs at $(cd "$docs" && pwd)/index.html (served at <airflow>/dbt-docs/)"
