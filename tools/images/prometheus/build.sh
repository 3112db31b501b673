#!/usr/bin/env bash
# Prometheus 2.42.0, bookworm's `prometheus` package (what the local platform runs), in the
# contract of the official prom/prometheus:v2.42.0 image that the chart defaults to: entrypoint
# /bin/prometheus, user nobody; the chart gives every path (config, rules, TSDB, consoles).
# Usage (as root; tools/ci/images.sh runs it): tools/images/prometheus/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=datapark.local/prometheus:2.42.0-bookworm
exec bash "$here/../lib/prometheus-binary.sh" "${1:?usage: $0 <output dir>}" "$image" prometheus /usr/bin/prometheus prometheus
