#!/usr/bin/env bash
# Regenerates requirements.lock from requirements.in with uv (pip-compile compatible, fast).
# The Airflow constraints URL is not reachable here, so the lock is our own resolution.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m pip install --quiet --user uv==0.13.9 2>/dev/null || python3 -m pip install --quiet uv==0.13.9
python3 -m uv pip compile requirements.in --python-version 3.11 --no-header --output-file requirements.lock
