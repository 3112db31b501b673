#!/usr/bin/env bash
# Makes the workspace's Python SDK (packages/python-sdk/src: `import datapark_sdk`) importable by
# every process of a venv (default .venv): Airflow's DAGs and tasks, Spark's drivers and executors,
# Jupyter's kernels, pytest. A .pth file in the venv's site-packages names this checkout's copy,
# so an edit is live at once and nothing is built; tools/ci/python.sh runs this on every call.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv="${1:-$root/.venv}"
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$root/packages/python-sdk/src" > "$site/datapark-sdk.pth"
echo "python: datapark_sdk importable in $venv (from $root/packages/python-sdk/src)"
