#!/usr/bin/env bash
# Regenerates requirements.lock from requirements.in with uv (as tools/dbt/lock.sh does), with the
# sha256 of every file so tools/ci/superset.sh installs with pip --require-hashes.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m pip install --quiet --user uv==0.13.9 2>/dev/null || python3 -m pip install --quiet uv==0.13.9
python3 -m uv pip compile requirements.in --python-version 3.11 --no-header --generate-hashes --output-file requirements.lock
