#!/usr/bin/env bash
# The manifest the per-model DAG (apps/airflow-dags/dags/datapark_dbt_models.py) is rendered from:
# `dbt parse` into target/deploy (manifest.json and the partial parse state every task of that
# DAG starts from). Run at deploy (`npx nx run dbt-shop:manifest`), never by the DAG's parser.
# The DAG picks a new manifest up at its next parse (every 10 s on the local platform).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
deploy="$here/../target/deploy"
next="$deploy.next.$$"
# One generate-and-swap at a time (a test and a DAG's teardown may both start one): the loser
# of a race would move a folder another just moved, or nest its new one inside it.
mkdir -p "$(dirname "$deploy")"
exec 8>"$deploy.lock"
flock 8
trap 'rm -rf "$next"' EXIT
bash "$here/dbt.sh" parse --target-path "$next" --log-path "$next/logs" "$@"
# Swapped in whole, so a parse of the DAG never reads a half-written manifest.
rm -rf "$deploy.old"
[ ! -d "$deploy" ] || mv "$deploy" "$deploy.old"
mv -T "$next" "$deploy"
rm -rf "$deploy.old"
echo "dbt-shop: manifest at $(cd "$deploy" && pwd)/manifest.json"
