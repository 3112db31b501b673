#!/usr/bin/env bash
# The object store: Versity Gateway (versitygw, Apache-2.0), an S3 server over a POSIX
# directory, built with `go install` from the Go module proxy (no release binary can be
# downloaded here) into "$(go env GOPATH)/bin" (~/go/bin). Why this one and not SeaweedFS,
# s3proxy or rclone: README, "Object store". Pinned; idempotent: skips the build when the binary
# already reports the pinned version.
set -euo pipefail

VERSITYGW_VERSION=v1.8.0

. "$(dirname "$0")/go-toolchain.sh"
require_go objectstore 1.25
gobin="$(go env GOPATH)/bin"

# The version read whole before grep: `cmd | grep -q` under pipefail fails with SIGPIPE (141) when
# grep exits before cmd has written its last line, which made a present binary look absent.
if [ -x "$gobin/versitygw" ] && grep -q "^Version *: *$VERSITYGW_VERSION\$" <<<"$("$gobin/versitygw" --version 2>/dev/null || true)"; then
  echo "objectstore: versitygw $VERSITYGW_VERSION present in $gobin"
  exit 0
fi

echo "objectstore: building versitygw $VERSITYGW_VERSION (a few minutes on 2 cores)"
# main.Version is what `versitygw --version` prints (the check above reads it).
CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -v \
  -ldflags "-s -w -X main.Version=$VERSITYGW_VERSION -X main.Build=module-proxy" \
  "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" 2>&1 | go_progress "objectstore: versitygw"
head -1 <<<"$("$gobin/versitygw" --version)"
