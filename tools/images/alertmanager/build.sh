#!/usr/bin/env bash
# Alertmanager v0.31.1, the static binary tools/ci/monitoring.sh builds with `go install` from the
# Go module proxy (its pinned ALERTMANAGER_VERSION; its web UI compiled in), what the local
# platform runs, in the contract of the official prom/alertmanager:v0.31.1 image that the chart
# defaults to: entrypoint /bin/alertmanager, user nobody.
# Usage (as root; tools/ci/images.sh runs it): tools/images/alertmanager/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
. "$root/tools/ci/go-toolchain.sh"
require_go images 1.25
version=$(sed -n "s/^ALERTMANAGER_VERSION=v//p" "$root/tools/ci/monitoring.sh")
image=datapark.local/alertmanager:${version}-bookworm
exec bash "$here/../lib/prometheus-binary.sh" "${1:?usage: $0 <output dir>}" "$image" alertmanager "$(go env GOPATH | cut -d: -f1)/bin/alertmanager"
