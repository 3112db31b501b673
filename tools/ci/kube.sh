#!/usr/bin/env bash
# The Kubernetes control plane the Kubernetes backend's tests run against: etcd, kube-apiserver
# and kube-controller-manager, built from the Go module proxy (no release binary can be downloaded
# here) at the versions tools/kube/go.mod pins. Idempotent: skips the build when the binaries
# report the pinned version. About 8 minutes on 2 cores the first time (Go's build cache in
# ~/.cache/go-build makes a rebuild take seconds).
set -euo pipefail
. "$(dirname "$0")/go-toolchain.sh"
require_go kube 1.25
cd "$(dirname "$0")/../kube"

KUBE_VERSION=v1.35.4 # keep in step with tools/kube/go.mod and the tests' KUBE_VERSION
bin="${DATAPARK_KUBE_BIN:-$HOME/.cache/datapark/kube-$KUBE_VERSION/bin}"

if [ -x "$bin/etcd" ] && [ -x "$bin/kube-controller-manager" ] &&
  grep -qx "Kubernetes $KUBE_VERSION" <<<"$("$bin/kube-apiserver" --version 2>/dev/null || true)"; then
  echo "kube: kube-apiserver, kube-controller-manager $KUBE_VERSION and etcd present in $bin"
  exit 0
fi

echo "kube: building kube-apiserver, kube-controller-manager $KUBE_VERSION and etcd into $bin (about 8 minutes on 2 cores the first time)"
mkdir -p "$bin"
major=$(echo "$KUBE_VERSION" | cut -d. -f1 | tr -d v)
minor=$(echo "$KUBE_VERSION" | cut -d. -f2)
# Without these a source build reports v0.0.0-master, and clients that compare versions balk.
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done
started=$(date +%s)
GOFLAGS=-buildvcs=false go build -v -trimpath -ldflags "$ldflags" -o "$bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  go.etcd.io/etcd/server/v3 2>&1 | go_progress kube
# The etcd command is the module's root package, so go names its binary after the module path.
mv -f "$bin/server" "$bin/etcd"
echo "kube: built in $(($(date +%s) - started))s: $("$bin/kube-apiserver" --version), etcd $(awk 'NR == 1 {print $3}' <<<"$("$bin/etcd" --version)")"
