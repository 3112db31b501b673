# The init Job: the local platform's provision.py (/opt/datapark/superset, the same file `up`
# runs), which migrates the metadata database (superset db upgrade), syncs roles and permissions
# (superset init), creates the admin user or resets its password, and imports the dashboards as
# code, with the database connection pointed at the chart's PostgreSQL as superset_reader.
# provision.py reads its settings from a 0600 JSON file, as on the local platform: written here
# from the environment (the Secrets, by reference) into the Job's /tmp, removed when it ends.
set -eu
umask 077
work="${TMPDIR:-/tmp}/provision"
mkdir -p "$work"
secrets="$work/secrets.json"
trap 'rm -f "$secrets"' EXIT
python - "$secrets" "$work/migrated" <<'PY'
import json
import os
import sys

with open(sys.argv[1], "w", encoding="utf-8") as file:
    json.dump(
        {
            "username": os.environ["DATAPARK_SUPERSET_USERNAME"],
            "adminPassword": os.environ["DATAPARK_SUPERSET_ADMIN_PASSWORD"],
            "readerUser": os.environ["DATAPARK_SUPERSET_READER_USER"],
            "readerPassword": os.environ["DATAPARK_SUPERSET_READER_PASSWORD"],
            "postgresHost": os.environ["DATAPARK_POSTGRES_HOST"],
            "postgresPort": int(os.environ["DATAPARK_POSTGRES_PORT"]),
            "database": os.environ["DATAPARK_POSTGRES_DATABASE"],
            # No stamp outlives a Job: the migrations and `superset init` run every time (both
            # idempotent, and quick when there is nothing to do).
            "stampFile": sys.argv[2],
        },
        file,
    )
PY
DATAPARK_SUPERSET_SECRETS="$secrets" python /opt/datapark/superset/provision.py
