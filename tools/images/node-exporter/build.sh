#!/usr/bin/env bash
# node_exporter 1.5.0, bookworm's `prometheus-node-exporter` package (what the local platform
# runs), in the contract of the official prom/node-exporter:v1.5.0 image that the chart defaults
# to: entrypoint /bin/node_exporter, user nobody.
# Usage (as root; tools/ci/images.sh runs it): tools/images/node-exporter/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=datapark.local/node-exporter:1.5.0-bookworm
exec bash "$here/../lib/prometheus-binary.sh" "${1:?usage: $0 <output dir>}" "$image" node_exporter /usr/bin/prometheus-node-exporter prometheus-node-exporter
