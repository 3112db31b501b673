#!/usr/bin/env bash
# The project venv (.venv) from the committed lock tools/python/requirements.lock: pytest and
# ruff for the Python projects, pyspark for the Spark cluster, apache-airflow and jupyterlab; and
# the workspace's Python SDK (packages/python-sdk) on its path (tools/ci/python-sdk.sh).
# pip's cache (~/.cache/pip) makes later runs fast; the venv is rebuilt when the lock changes.
set -euo pipefail
lock=tools/python/requirements.lock
venv=.venv
python="${DATAPARK_PYTHON:-python3}"
stamp="$venv/.datapark-lock-hash"
hash=$(sha256sum "$lock" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  echo "python: $venv matches $lock"
  bash tools/ci/python-sdk.sh "$venv"
  exit 0
fi
echo "python: creating $venv from $lock"
"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# PYSPARK_HADOOP_VERSION must stay unset: pyspark would download a Hadoop distribution.
env -u PYSPARK_HADOOP_VERSION "$venv/bin/python" -m pip install --quiet --no-deps -r "$lock"
echo "$hash" > "$stamp"
echo "python: $("$venv/bin/python" --version) with $(wc -l < "$lock") locked requirements"
bash tools/ci/python-sdk.sh "$venv"
