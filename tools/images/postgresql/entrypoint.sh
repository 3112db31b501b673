#!/bin/sh
# The official postgres image's entrypoint contract, for Debian's PostgreSQL 15: on an empty
# $PGDATA, initdb with $POSTGRES_USER / $POSTGRES_PASSWORD (trust over the local socket,
# scram-sha-256 over TCP from any address, listening on all of the pod's addresses) and create
# $POSTGRES_DB; then exec postgres with the arguments (the chart's "-c name=value" pairs).
set -eu
: "${PGDATA:=/var/lib/postgresql/data}" "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}"
export PGDATA
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?is required to initialise the database}"
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  # As the official image: a password from any address (the chart's NetworkPolicy limits who).
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    pg_ctl -w -o "-c listen_addresses=''" start >/dev/null
    createdb --username="$POSTGRES_USER" "$POSTGRES_DB"
    pg_ctl -w -m fast stop >/dev/null
  fi
  echo "entrypoint: initialised $PGDATA"
fi
case "${1:-}" in -*|"") set -- postgres "$@" ;; esac
exec "$@"
