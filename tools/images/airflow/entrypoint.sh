#!/bin/sh
# The official apache/airflow image's contract, as far as the chart uses it: the arguments are an
# airflow subcommand ("scheduler", "celery worker": `airflow celery worker`, not Celery's own CLI,
# which would ignore Airflow's broker settings), or a command that starts with airflow, bash, sh,
# python or a path, run as it is.
set -e
case "${1:-}" in
"") exec airflow --help ;;
airflow | bash | sh | python | python3 | /*) exec "$@" ;;
*) exec airflow "$@" ;;
esac
