#!/usr/bin/env bash
# postgres_exporter 0.11.1, bookworm's `prometheus-postgres-exporter` package (what the local
# platform runs), in the contract of the official prometheuscommunity/postgres-exporter:v0.11.1
# image that the chart's PostgreSQL sidecar defaults to: entrypoint /bin/postgres_exporter, user
# nobody; the chart gives the address and credentials in DATA_SOURCE_* variables.
# Usage (as root; tools/ci/images.sh runs it): tools/images/postgres-exporter/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=datapark.local/postgres-exporter:0.11.1-bookworm
exec bash "$here/../lib/prometheus-binary.sh" "${1:?usage: $0 <output dir>}" "$image" postgres_exporter /usr/bin/prometheus-postgres-exporter prometheus-postgres-exporter
