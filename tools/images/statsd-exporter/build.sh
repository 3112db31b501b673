#!/usr/bin/env bash
# A statsd-exporter image: the statsd_exporter binary tools/ci/monitoring.sh builds with
# `go install` from the Go module proxy (its pinned STATSD_EXPORTER_VERSION: a static
# CGO_ENABLED=0 binary in "$(go env GOPATH)/bin"), by the shared build of the Prometheus-project
# images (tools/images/lib/prometheus-binary.sh: mmdebstrap's extract variant with busybox-static
# and netbase only, passwd and group with root and nobody, `--version` checked inside the root).
# The contract of the official prom/statsd-exporter image, so that the chart's sidecar args hold
# for both: entrypoint /bin/statsd_exporter, user nobody (65534:65534).
# Usage (as root; tools/ci/images.sh runs it): tools/images/statsd-exporter/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
. "$root/tools/ci/go-toolchain.sh"
require_go images 1.25
version=$(sed -n "s/^STATSD_EXPORTER_VERSION=v//p" "$root/tools/ci/monitoring.sh")
image=datapark.local/statsd-exporter:${version}-bookworm
exec bash "$here/../lib/prometheus-binary.sh" "${1:?usage: $0 <output dir>}" "$image" statsd_exporter "$(go env GOPATH | cut -d: -f1)/bin/statsd_exporter"
