#!/usr/bin/env bash
# Superset's own venv (.venv-superset) from the committed, hashed lock tools/superset/requirements.lock:
# Apache Superset, gunicorn and psycopg2 for the platform's dashboards (packages/platform-local/src/superset).
# A venv of its own: Superset pins SQLAlchemy < 2 and pandas < 2.2 (see tools/superset/requirements.in).
set -euo pipefail
cd "$(dirname "$0")/../.."
SUMMARY='import importlib.metadata as m; print("apache-superset", m.version("apache-superset"))' \
  exec bash tools/ci/venv-from-lock.sh superset tools/superset/requirements.lock .venv-superset bin/superset
