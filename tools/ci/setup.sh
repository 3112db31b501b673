#!/usr/bin/env bash
# Installs whatever `npm test` needs and is missing: Debian's packages, Node 24, node_modules,
# the venvs, the jars, the Go-built tools and the images. Every script it runs is idempotent and
# returns in seconds when its part is there, so `npm test` (tools/scripts/test.mjs) runs this
# first on every run, and a fresh clone needs nothing else (`.ci/run` is this and `npm test`).
#
#   tools/ci/setup.sh          everything, one part after another (by hand)
#   tools/ci/setup.sh --first  what the local platform and every test but the own-cluster ones
#                              need (npm test, before it starts the platform)
#   tools/ci/setup.sh --rest   what only the own-cluster tests need: the Kubernetes control plane
#                              and node, and the images (npm test, beside its first tests)
#
# On a fresh machine the rest is a quarter of an hour of compiling and image building (control
# plane 7 minutes then node 7, beside the images' 13) that only the tests which run last use:
# npm test builds it while the shared platform's tests run, which mostly wait on services,
# instead of before them (a cold CI spent 18.6 minutes in the set-up, 12.7 of them on the rest).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -gt 1 ]; then
  echo "setup.sh: one argument at most (--first, --rest or none), not: $*" >&2
  exit 2
fi
part=${1:-all}
case "$part" in
  all | --first | --rest) ;;
  *)
    echo "setup.sh: unknown argument \"$part\": give --first, --rest or nothing (everything)" >&2
    exit 2
    ;;
esac
started=$(date +%s)
step() { echo; echo "══ $* ($(( $(date +%s) - started ))s)"; }
logs=.datapark/ci-setup
mkdir -p "$logs"
# One set-up at a time in a checkout: npm test builds the rest beside its tests, and a second
# run meanwhile would build the same files at once (images.sh's build directories, kube.sh's
# binaries). Its children hold the lock too, until the last of them is gone.
exec 9>"$logs/lock"
if ! flock -n 9; then
  echo "setup.sh: another set-up is running in this checkout ($logs/lock); waiting for it"
  flock 9
fi

# Two groups at once, each group's output kept whole in a file and printed when both are done.
# Usage: beside <name> <function> <name> <function>
beside() {
  local first_log="$logs/$1.log" second_log="$logs/$3.log"
  step "$1 beside $3 (logs in $logs)"
  "$2" >"$first_log" 2>&1 &
  local first=$!
  "$4" >"$second_log" 2>&1 &
  local second=$!
  local first_status=0 second_status=0
  wait "$first" || first_status=$?
  wait "$second" || second_status=$?
  cat "$first_log" "$second_log"
  if [ "$first_status" -ne 0 ] || [ "$second_status" -ne 0 ]; then
    echo "set-up failed ($1: exit $first_status, $3: exit $second_status); the step that failed is the last one above its group's error" >&2
    exit 1
  fi
}

# The downloads (network and disk, little CPU) beside the Go builds the platform and the charts'
# tests use (CPU).
downloads() {
  step "npm dependencies";           bash tools/ci/npm.sh
  step "Python venv";                bash tools/ci/python.sh
  step "DuckDB extensions (iceberg, httpfs, avro) from PyPI"; bash tools/ci/duckdb.sh
  step "dbt venv (.venv-dbt)";       bash tools/ci/dbt.sh
  step "Superset venv (.venv-superset)"; bash tools/ci/superset.sh
  step "JVM jars from Maven Central"; bash tools/ci/maven.sh
}
go_tools() {
  step "Go-built tools (helm)";      bash tools/ci/go.sh
  step "Go-built monitoring (Alertmanager, statsd_exporter)"; bash tools/ci/monitoring.sh
  step "Go-built object store (versitygw)"; bash tools/ci/objectstore.sh
}
# The images (disk and network) beside Kubernetes's own builds (CPU). The images of Go-built
# binaries (statsd-exporter: monitoring.sh's statsd_exporter; objectstore: objectstore.sh's
# versitygw) need go_tools, done by then.
images() {
  step "Images from Debian packages and the pinned artifacts (PostgreSQL, Redis, Kafka, Spark, Airflow, Jupyter, Superset)"; bash tools/ci/images.sh --debian
  step "Images of the Go-built binaries (statsd-exporter, objectstore)"; bash tools/ci/images.sh --go-built
}
kubernetes() {
  step "Kubernetes control plane";  bash tools/ci/kube.sh
  step "Kubernetes node (kubelet, kube-scheduler, kube-proxy, CoreDNS, kube-router)"; bash tools/ci/kube-node.sh build
}

if [ "$part" != --rest ]; then
  step "Debian packages";            bash tools/ci/apt.sh
  step "Node.js";                    . tools/ci/node.sh
  beside downloads downloads go-tools go_tools
fi
if [ "$part" != --first ]; then
  beside images images kubernetes kubernetes
fi
step "set-up done"
