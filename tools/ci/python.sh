#!/usr/bin/env bash
# The project venv (.venv) from the committed lock tools/python/requirements.lock: pytest and
# ruff for the Python projects, pyspark for the Spark cluster, apache-airflow and jupyterlab; and
# the workspace's Python SDK (packages/python-sdk) on its path (tools/ci/python-sdk.sh) and the
# notebooks' kernelspecs in the venv, where Jupyter finds them (tools/ci/jupyter-kernels.sh).
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
  bash tools/ci/jupyter-kernels.sh "$venv"
  exit 0
fi
echo "python: creating $venv from $lock"
"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# In chunks of 20, each with a progress line (packages done of total, MB downloaded, time):
# one pip call for all would print nothing for minutes. With --no-deps every locked line is
# one package, so installing them in chunks gives the same venv.
# PYSPARK_HADOOP_VERSION must stay unset: pyspark would download a Hadoop distribution.
mapfile -t requirements < <(grep -E '^[A-Za-z0-9]' "$lock")
total=${#requirements[@]}
started=$SECONDS
downloaded=0
for ((i = 0; i < total; i += 20)); do
  chunk=("${requirements[@]:i:20}")
  log=$(env -u PYSPARK_HADOOP_VERSION "$venv/bin/python" -m pip install --no-deps \
    --progress-bar off --disable-pip-version-check "${chunk[@]}" 2>&1) || {
    echo "$log" >&2
    echo "python: pip failed on ${chunk[*]}" >&2
    exit 1
  }
  # "Downloading pyspark-4.1.1.tar.gz (…MB)": add up what this chunk fetched (kB and MB).
  mb=$(echo "$log" | sed -nE 's/.*Downloading .* \(([0-9.]+) (kB|MB)\).*/\1 \2/p' |
    awk '{ s += ($2 == "kB") ? $1 / 1024 : $1 } END { printf "%.1f", s }')
  downloaded=$(awk -v a="$downloaded" -v b="$mb" 'BEGIN { printf "%.1f", a + b }')
  done=$((i + ${#chunk[@]}))
  echo "python: $done/$total packages ($downloaded MB of wheels and sources), $((SECONDS - started)) s"
done
echo "$hash" > "$stamp"
echo "python: $("$venv/bin/python" --version) with $total locked packages in $((SECONDS - started)) s"
bash tools/ci/python-sdk.sh "$venv"
bash tools/ci/jupyter-kernels.sh "$venv"
