#!/usr/bin/env bash
# A venv of its own from a committed lock: `venv-from-lock.sh NAME LOCK VENV CHECK`, where NAME
# prefixes every line, CHECK is a file the venv must have (e.g. bin/dbt) and the optional
# SUMMARY (env) is a command run in the venv's python for the closing line.
# Used by dbt.sh and superset.sh: tools whose pins would move packages under Airflow.
# Idempotent: returns at once when the venv matches the lock's sha256; rebuilt when it changes.
# A flock on VENV.lock makes concurrent runs (CI and the demo) wait for each other.
# A lock with hashes (--hash=) is installed whole with --require-hashes; one without, in chunks
# of 15 with a progress line each. --no-deps either way: the lock lists every package.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1 lock=$2 venv=$3 check=$4
python="${DATAPARK_PYTHON:-python3}"
exec 9> "$venv.lock"
if ! flock -n 9; then
  echo "$name: another install holds $venv.lock; waiting for it"
  flock 9
fi
stamp="$venv/.datapark-lock-hash"
hash=$(sha256sum "$lock" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -e "$venv/$check" ]; then
  echo "$name: $venv matches $lock"
  exit 0
fi
mapfile -t requirements < <(grep -E '^[A-Za-z0-9]' "$lock" | sed -E 's/[[:space:]]*\\$//')
total=${#requirements[@]}
echo "$name: creating $venv from $lock ($total packages)"
started=$SECONDS
"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
pip_install() {
  "$venv/bin/python" -m pip install --no-deps --progress-bar off --disable-pip-version-check "$@"
}
if grep -q -- '--hash=' "$lock"; then
  pip_install --quiet --require-hashes -r "$lock" || {
    echo "$name: pip failed installing $lock (see above); rerun: bash $0 $*" >&2
    exit 1
  }
else
  downloaded=0
  for ((i = 0; i < total; i += 15)); do
    chunk=("${requirements[@]:i:15}")
    log=$(pip_install "${chunk[@]}" 2>&1) || {
      echo "$log" >&2
      echo "$name: pip failed on ${chunk[*]}" >&2
      exit 1
    }
    mb=$(echo "$log" | sed -nE 's/.*Downloading .* \(([0-9.]+) (kB|MB)\).*/\1 \2/p' |
      awk '{ s += ($2 == "kB") ? $1 / 1024 : $1 } END { printf "%.1f", s }')
    downloaded=$(awk -v a="$downloaded" -v b="$mb" 'BEGIN { printf "%.1f", a + b }')
    echo "$name: $((i + ${#chunk[@]}))/$total packages ($downloaded MB downloaded), $((SECONDS - started)) s"
  done
fi
echo "$hash" > "$stamp"
echo "$name: ${SUMMARY:+$("$venv/bin/python" -c "$SUMMARY") }in $((SECONDS - started)) s, $(du -sh "$venv" | cut -f1)"
