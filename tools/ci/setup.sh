#!/usr/bin/env bash
# Installs whatever `npm test` needs and is missing: Debian's packages, Node 24, node_modules,
# the venvs, the jars, the Go-built tools and the images. Every script it runs is idempotent and
# returns in seconds when its part is there, so `npm test` (tools/scripts/test.mjs) runs this
# first on every run, and a fresh clone needs nothing else (`.ci/run` is this and `npm test`).
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
step() { echo; echo "══ $* ($(( $(date +%s) - started ))s)"; }

step "Debian packages";            bash tools/ci/apt.sh
step "Node.js";                    . tools/ci/node.sh

# Two groups at once: the downloads and the Debian images (network and disk, little CPU) beside
# the Go builds (CPU). On a fresh machine each takes a quarter of an hour or more, and one waited
# for the other; with warm caches both take seconds. Each group's output is kept whole in a file
# and printed when both are done.
downloads() {
  step "npm dependencies";           bash tools/ci/npm.sh
  step "Python venv";                bash tools/ci/python.sh
  step "DuckDB extensions (iceberg, httpfs, avro) from PyPI"; bash tools/ci/duckdb.sh
  step "dbt venv (.venv-dbt)";       bash tools/ci/dbt.sh
  step "Superset venv (.venv-superset)"; bash tools/ci/superset.sh
  step "JVM jars from Maven Central"; bash tools/ci/maven.sh
  step "Images from Debian packages and the pinned artifacts (PostgreSQL, Redis, Kafka, Spark, Airflow, Jupyter, Superset)"; bash tools/ci/images.sh --debian
}
go_builds() {
  step "Go-built tools (helm)";      bash tools/ci/go.sh
  step "Go-built monitoring (Alertmanager, statsd_exporter)"; bash tools/ci/monitoring.sh
  step "Go-built object store (versitygw)"; bash tools/ci/objectstore.sh
  step "Kubernetes control plane";  bash tools/ci/kube.sh
  step "Kubernetes node (kubelet, kube-scheduler, kube-proxy, CoreDNS, kube-router)"; bash tools/ci/kube-node.sh build
}
logs=.datapark/ci-setup
mkdir -p "$logs"
step "set-up: downloads and images beside the Go builds (logs in $logs)"
downloads >"$logs/downloads.log" 2>&1 &
downloading=$!
go_builds >"$logs/go-builds.log" 2>&1 &
building=$!
downloads_status=0
wait "$downloading" || downloads_status=$?
builds_status=0
wait "$building" || builds_status=$?
cat "$logs/downloads.log" "$logs/go-builds.log"
if [ "$downloads_status" -ne 0 ] || [ "$builds_status" -ne 0 ]; then
  echo "set-up failed (downloads: exit $downloads_status, Go builds: exit $builds_status); the step that failed is the last one above its group's error" >&2
  exit 1
fi
# The images of Go-built binaries (statsd-exporter: monitoring.sh's statsd_exporter; objectstore:
# objectstore.sh's versitygw), once both groups are done (seconds each: two Debian packages and
# the binary).
step "Images of the Go-built binaries (statsd-exporter, objectstore)"; bash tools/ci/images.sh --go-built
