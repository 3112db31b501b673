#!/usr/bin/env bash
# Regenerates requirements.lock from requirements.in with uv (as tools/python/lock.sh does).
# Leaves out dbt-core-experimental-parser: its sdist downloads a binary from GitHub releases at
# build time (not reachable here, and no registry), and dbt-core only runs it when asked for the
# experimental v2 parser (--v2-parser); tools/ci/dbt.sh installs with --no-deps.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m pip install --quiet --user uv==0.13.9 2>/dev/null || python3 -m pip install --quiet uv==0.13.9
python3 -m uv pip compile requirements.in --python-version 3.11 --no-header --no-emit-package dbt-core-experimental-parser --output-file requirements.lock
