#!/bin/sh
# The official apache/superset image's default command (its docker/entrypoints/run-server.sh, as
# far as a server needs it): gunicorn serving Superset on SUPERSET_PORT, with that script's
# environment knobs and defaults. With arguments, they are run as they are (`superset db
# upgrade`, `python …`, `sh …`). The chart gives every container a command, which replaces this
# entrypoint: it is for `docker run`-style use of the image alone.
set -e
[ "$#" -gt 0 ] && exec "$@"
exec gunicorn \
  --bind "${SUPERSET_BIND_ADDRESS:-0.0.0.0}:${SUPERSET_PORT:-8088}" \
  --access-logfile "${ACCESS_LOG_FILE:--}" \
  --error-logfile "${ERROR_LOG_FILE:--}" \
  --workers "${SERVER_WORKER_AMOUNT:-1}" \
  --worker-class "${SERVER_WORKER_CLASS:-gthread}" \
  --threads "${SERVER_THREADS_AMOUNT:-20}" \
  --timeout "${GUNICORN_TIMEOUT:-60}" \
  --keep-alive "${GUNICORN_KEEPALIVE:-2}" \
  --limit-request-line "${SERVER_LIMIT_REQUEST_LINE:-0}" \
  --limit-request-field_size "${SERVER_LIMIT_REQUEST_FIELD_SIZE:-0}" \
  "${FLASK_APP:-superset.app:create_app()}"
