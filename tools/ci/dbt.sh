#!/usr/bin/env bash
# dbt's own venv (.venv-dbt) from the committed lock tools/dbt/requirements.lock: dbt-core and the
# PostgreSQL adapter for the dbt project in apps/dbt-shop. A venv of its own, not the project venv:
# dbt's pins would move packages under Airflow (see tools/dbt/requirements.in).
# Idempotent: returns at once when the venv matches the lock; rebuilt when the lock changes.
# A lock (flock on .venv-dbt.lock) makes concurrent runs (CI and the demo) wait for each other.
set -euo pipefail
cd "$(dirname "$0")/../.."
lock=tools/dbt/requirements.lock
venv=.venv-dbt
python="${DATAPARK_PYTHON:-python3}"
exec 9> "$venv.lock"
if ! flock -n 9; then
  echo "dbt: another install holds $venv.lock; waiting for it"
  flock 9
fi
stamp="$venv/.datapark-lock-hash"
hash=$(sha256sum "$lock" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -x "$venv/bin/dbt" ]; then
  echo "dbt: $venv matches $lock"
  exit 0
fi
echo "dbt: creating $venv from $lock"
started=$SECONDS
"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
# In chunks of 15, each with a progress line; --no-deps since every locked line is one package.
mapfile -t requirements < <(grep -E '^[A-Za-z0-9]' "$lock")
total=${#requirements[@]}
downloaded=0
for ((i = 0; i < total; i += 15)); do
  chunk=("${requirements[@]:i:15}")
  log=$("$venv/bin/python" -m pip install --no-deps --progress-bar off \
    --disable-pip-version-check "${chunk[@]}" 2>&1) || {
    echo "$log" >&2
    echo "dbt: pip failed on ${chunk[*]}" >&2
    exit 1
  }
  mb=$(echo "$log" | sed -nE 's/.*Downloading .* \(([0-9.]+) (kB|MB)\).*/\1 \2/p' |
    awk '{ s += ($2 == "kB") ? $1 / 1024 : $1 } END { printf "%.1f", s }')
  downloaded=$(awk -v a="$downloaded" -v b="$mb" 'BEGIN { printf "%.1f", a + b }')
  echo "dbt: $((i + ${#chunk[@]}))/$total packages ($downloaded MB downloaded), $((SECONDS - started)) s"
done
echo "$hash" > "$stamp"
echo "dbt: $("$venv/bin/dbt" --version | grep -E 'installed|postgres' | tr -s ' ' | paste -sd ' ') in $((SECONDS - started)) s"
