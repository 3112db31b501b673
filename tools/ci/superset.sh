#!/usr/bin/env bash
# Superset's own venv (.venv-superset) from the committed, hashed lock tools/superset/requirements.lock:
# Apache Superset, gunicorn and psycopg2 for the platform's dashboards (packages/platform-local/src/superset).
# A venv of its own: Superset pins SQLAlchemy < 2 and pandas < 2.2 (see tools/superset/requirements.in).
# Idempotent: returns at once when the venv matches the lock; rebuilt when the lock changes.
# A lock (flock on .venv-superset.lock) makes concurrent runs (CI and the demo) wait for each other.
set -euo pipefail
cd "$(dirname "$0")/../.."
lock=tools/superset/requirements.lock
venv=.venv-superset
python="${DATAPARK_PYTHON:-python3}"
exec 9> "$venv.lock"
if ! flock -n 9; then
  echo "superset: another install holds $venv.lock; waiting for it"
  flock 9
fi
stamp="$venv/.datapark-lock-hash"
hash=$(sha256sum "$lock" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -x "$venv/bin/superset" ]; then
  echo "superset: $venv matches $lock"
  exit 0
fi
echo "superset: creating $venv from $lock ($(grep -cE '^[A-Za-z0-9]' "$lock") packages, about 150 MB to download)"
started=$SECONDS
"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
# --require-hashes: every file is checked against the sha256 in the lock; --no-deps since the lock
# lists every package (uv resolved them).
"$venv/bin/python" -m pip install --require-hashes --no-deps --progress-bar off --quiet \
  --disable-pip-version-check -r "$lock" || {
  echo "superset: pip failed installing $lock (see above); rerun bash tools/ci/superset.sh" >&2
  exit 1
}
echo "$hash" > "$stamp"
echo "superset: apache-superset $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("apache-superset"))') in $((SECONDS - started)) s, $(du -sh "$venv" | cut -f1)"
