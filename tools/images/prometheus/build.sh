#!/usr/bin/env bash
# Prometheus 2.42.0, the version the local platform runs (bookworm's package) and the chart's
# default image pins (prom/prometheus:v2.42.0), built from its source: not Debian's binary, which
# is built without the Kubernetes service discovery (Debian leaves out the discovery plugins whose
# Go libraries it does not package), so it refuses the chart's configuration (`field
# kubernetes_sd_configs not found`). The source is the Go module proxy's (Prometheus 2.42.0 is
# module version v0.42.0); its go.mod has replace directives, which `go install pkg@version`
# refuses, so a copy of the module is built as the main module, once, into
# ~/.cache/datapark/prometheus-v2.42.0 (a few minutes on 2 cores). Without the `builtinassets`
# tag, whose React bundle the module does not contain: the API, the rules, the alerting and the
# console templates serve; the web UI's pages do not.
# Then the shared build of the Prometheus-project images (tools/images/lib/prometheus-binary.sh):
# the official image's entrypoint /bin/prometheus and user nobody; the chart gives every path.
# Usage (as root; tools/ci/images.sh runs it): tools/images/prometheus/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
version=2.42.0
module=github.com/prometheus/prometheus@v0.42.0
image=datapark.local/prometheus:${version}-bookworm
. "$root/tools/ci/go-toolchain.sh"
require_go images 1.25
dir="${DATAPARK_CACHE:-$HOME/.cache/datapark}/prometheus-v$version"
binary="$dir/prometheus"
ldflags="-s -w -X github.com/prometheus/common/version.Version=$version -X github.com/prometheus/common/version.Branch=HEAD"
# What the binary is built from and how: when this script runs (images.sh runs it when the
# image's key changes, i.e. this script or the shared build), a cached binary built otherwise
# (other flags, another Go) is built again, not reused because its --version matches.
recipe="$module CGO_ENABLED=0 tags= ldflags=$ldflags $(go env GOVERSION)"
if [ "$(cat "$dir/recipe" 2>/dev/null)" != "$recipe" ] ||
  ! "$binary" --version 2>&1 | head -1 | grep -q "version $version "; then
  echo "images: building prometheus $version from $module (a few minutes on 2 cores)"
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
  source=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$module" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp -r "$source" "$work/prometheus" && chmod -R u+w "$work/prometheus"
  mkdir -p "$dir"
  rm -f "$dir/recipe"
  (cd "$work/prometheus" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -o "$binary" \
    -ldflags "$ldflags" ./cmd/prometheus)
  echo "$recipe" >"$dir/recipe"
fi
bash "$here/../lib/prometheus-binary.sh" "${1:?usage: $0 <output dir>}" "$image" prometheus "$binary"
