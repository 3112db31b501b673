#!/usr/bin/env bash
# Runs dbt (from .venv-dbt, tools/ci/dbt.sh) on this project as the `dbt` role of the platform:
# the connection comes from @datapark/config's endpoints file at run time (bin/profile_env.py),
# so no password is in git. Usage: bash apps/dbt-shop/bin/dbt.sh build | test | run -s marts …
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$project/../.." && pwd)"
if [ ! -x "$root/.venv-dbt/bin/dbt" ]; then
  echo "dbt-shop: no dbt in $root/.venv-dbt; install it with: bash tools/ci/dbt.sh" >&2
  exit 2
fi
# This checkout's Python SDK first: it knows the dbt role.
env_lines=$(PYTHONPATH="$root/packages/python-sdk/src${PYTHONPATH:+:$PYTHONPATH}" \
  "$root/.venv/bin/python" "$project/bin/profile_env.py") || {
  echo "dbt-shop: could not read the dbt role's connection (see above); is the platform up (npx nx run platform:up)?" >&2
  exit 2
}
eval "$env_lines"
export DBT_PROFILES_DIR="$project" DBT_PROJECT_DIR="$project"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_TARGET_PATH="${DBT_TARGET_PATH:-$project/target}"
export DBT_LOG_PATH="${DBT_LOG_PATH:-$project/logs}"
# One dbt at a time changes the `analytics` schema: a table rebuilt by one run is swapped in by
# rename and `drop ... cascade`, which drops the views another run just built on it, before that
# run tests them (npm test runs dbt-shop's tests beside the dbt DAGs'). Commands that do not
# touch the database do not wait.
case "${1:-}" in
  parse | compile | ls | list | debug | deps | clean | --version | -h | --help | "") ;;
  *)
    locks="${DATAPARK_STATE_DIR:-$root/.datapark}/locks"
    mkdir -p "$locks"
    exec 9>"$locks/dbt-analytics.lock"
    if ! flock -n 9; then
      echo "dbt-shop: another dbt run is changing analytics; waiting for it ($locks/dbt-analytics.lock)" >&2
      flock 9
    fi
    ;;
esac
exec "$root/.venv-dbt/bin/dbt" "$@"
