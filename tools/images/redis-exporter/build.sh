#!/usr/bin/env bash
# redis_exporter 1.45.0, bookworm's `prometheus-redis-exporter` package (what the local platform
# runs), in the contract of the official oliver006/redis_exporter:v1.45.0 image that the chart's
# Airflow Redis sidecar defaults to: entrypoint /redis_exporter, user 59000; the chart gives the
# address and password in REDIS_ADDR and REDIS_PASSWORD.
# Usage (as root; tools/ci/images.sh runs it): tools/images/redis-exporter/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=datapark.local/redis-exporter:1.45.0-bookworm
IMAGE_ENTRYPOINT=/redis_exporter IMAGE_USER=59000:59000 \
  exec bash "$here/../lib/prometheus-binary.sh" "${1:?usage: $0 <output dir>}" "$image" redis_exporter /usr/bin/prometheus-redis-exporter prometheus-redis-exporter
