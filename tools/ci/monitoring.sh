#!/usr/bin/env bash
# The monitoring component's Go-built parts, with `go install` from the Go module proxy (no release
# binary can be downloaded here) into "$(go env GOPATH)/bin" (~/go/bin). Prometheus itself and the
# PostgreSQL, Redis and host exporters are Debian packages (tools/ci/apt.sh).
#
# - Alertmanager v0.31.1, not Debian's 0.25: Debian's package ships no web UI (its Elm UI needs a
#   compiler downloaded from outside the registries), and v0.31.1 is the newest Alertmanager whose
#   Go module still carries its UI compiled in (asset/assets_vfsdata.go); from v0.32 the UI is
#   embedded from ui/app/dist, which the module does not contain, so `go install` cannot build it.
# - statsd_exporter v0.31.0: turns Airflow's StatsD metrics into Prometheus metrics.
# - the Prometheus Operator's module v0.85.0, downloaded (not built) into the module cache for its
#   CRDs (example/prometheus-operator-crd/): the chart's PodMonitors and PrometheusRule are
#   validated against them by a real kube-apiserver (packages/platform-kubernetes/test).
#
# Pinned; idempotent: skips a tool whose binary already reports the pinned version.
set -euo pipefail

ALERTMANAGER_VERSION=v0.31.1
PROMETHEUS_OPERATOR_VERSION=v0.85.0
STATSD_EXPORTER_VERSION=v0.31.0

. "$(dirname "$0")/go-toolchain.sh"
require_go monitoring 1.25
gobin="$(go env GOPATH)/bin"

# install <binary> <module path of the command> <version>
install() {
  local bin=$1 pkg=$2 version=$3
  if [ -x "$gobin/$bin" ] && head -1 <<<"$("$gobin/$bin" --version 2>&1 || true)" | grep -q "version ${version#v} "; then
    echo "monitoring: $bin $version present in $gobin"
    return 0
  fi
  echo "monitoring: building $bin $version (a minute or two on 2 cores)"
  # common/version.Version is what --version prints and what build_info reports.
  CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -v \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=${version#v} -X github.com/prometheus/common/version.Branch=HEAD" \
    "$pkg@$version" 2>&1 | go_progress "monitoring: $bin"
  head -1 <<<"$("$gobin/$bin" --version 2>&1)"
}

install alertmanager github.com/prometheus/alertmanager/cmd/alertmanager "$ALERTMANAGER_VERSION"
install statsd_exporter github.com/prometheus/statsd_exporter "$STATSD_EXPORTER_VERSION"

# The module cache keeps it (read-only); a second run finds it there at once.
crds="$(go env GOMODCACHE)/github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION/example/prometheus-operator-crd"
if [ ! -f "$crds/monitoring.coreos.com_podmonitors.yaml" ]; then
  echo "monitoring: downloading the Prometheus Operator module $PROMETHEUS_OPERATOR_VERSION (its CRDs)"
  (cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION)
fi
echo "monitoring: Prometheus Operator CRDs in $crds"
