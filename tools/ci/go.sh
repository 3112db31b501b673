#!/usr/bin/env bash
# Tools built from source with `go install` from the Go module proxy (the only place a helm binary
# can come from here: no release downloads). Pinned; idempotent: skips a tool whose binary already
# reports the pinned version. Binaries land in "$(go env GOPATH)/bin" (~/go/bin).
set -euo pipefail

# helm 3 rather than 4: the chart tests assert helm 3's values.schema.json messages and the
# platform's Kubernetes backend uses helm 3's flags (--atomic, --wait).
HELM_VERSION=v3.22.0

. "$(dirname "$0")/go-toolchain.sh"
require_go go 1.24
gobin="$(go env GOPATH)/bin"

if [ -x "$gobin/helm" ] && grep -qx "$HELM_VERSION" <<<"$("$gobin/helm" version --template '{{.Version}}' 2>/dev/null || true)"; then
  echo "go: helm $HELM_VERSION present in $gobin"
  exit 0
fi

echo "go: building helm $HELM_VERSION (several minutes on 2 cores)"
# version.version is what `helm version` prints; without it a source build reports v3.x-dev-ish
# placeholders. gitTreeState keeps `helm version` from printing "dirty".
CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -v \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" 2>&1 | go_progress go
"$gobin/helm" version
