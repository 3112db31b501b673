#!/usr/bin/env bash
# dbt's own venv (.venv-dbt) from the committed lock tools/dbt/requirements.lock: dbt-core and the
# PostgreSQL adapter for the dbt project in apps/dbt-shop. A venv of its own, not the project venv:
# dbt's pins would move packages under Airflow (see tools/dbt/requirements.in).
set -euo pipefail
cd "$(dirname "$0")/../.."
SUMMARY='import importlib.metadata as m; print("dbt-core", m.version("dbt-core"), "dbt-postgres", m.version("dbt-postgres"))' \
  exec bash tools/ci/venv-from-lock.sh dbt tools/dbt/requirements.lock .venv-dbt bin/dbt
