#!/usr/bin/env bash
# A statsd-exporter image built without any image registry, from the statsd_exporter binary
# tools/ci/monitoring.sh builds with `go install` from the Go module proxy (its pinned
# STATSD_EXPORTER_VERSION: a static CGO_ENABLED=0 binary in "$(go env GOPATH)/bin"), on the
# smallest Debian root filesystem that serves: mmdebstrap's `extract` variant unpacks two bookworm
# packages and nothing else (no libc, apt or dpkg: the binary needs none), busybox-static (/bin/sh
# and the usual applets, as the official image's busybox base has them, for `kubectl exec`) and
# netbase (/etc/services and /etc/protocols, which Go's net package reads). /etc/passwd and
# /etc/group hold root and nobody, as the node's CoreDNS image (tools/ci/kube-node.sh).
# The contract of the official prom/statsd-exporter image, so that the chart's sidecar args hold
# for both: entrypoint /bin/statsd_exporter, user nobody (65534:65534).
# Usage (as root; tools/ci/images.sh runs it): tools/images/statsd-exporter/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: $0 <output dir>}
version=$(sed -n 's/^STATSD_EXPORTER_VERSION=//p' "$root/tools/ci/monitoring.sh")
image=datapark.local/statsd-exporter:${version#v}-bookworm
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: bash tools/ci/apt.sh" >&2; exit 1; }
. "$root/tools/ci/go-toolchain.sh"
require_go images 1.25
binary="$(go env GOPATH | cut -d: -f1)/bin/statsd_exporter"
# The pinned version, or the image would carry another one under this tag. (That it runs in the
# image, with no libc there, as nobody, the last hook below proves: `--version` inside the root.)
reported=$(head -1 <<<"$("$binary" --version 2>&1 || true)")
grep -q "version ${version#v} " <<<"$reported" || {
  echo "images: $binary is not statsd_exporter $version (${reported:-missing}): run \`bash tools/ci/monitoring.sh\` first" >&2
  exit 1
}
mmdebstrap --variant=extract --include=busybox-static,netbase \
  --setup-hook='mkdir -p "$1/proc" "$1/sys" "$1/tmp" && chmod 1777 "$1/tmp"' \
  --extract-hook='printf "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n" >"$1/etc/passwd"' \
  --extract-hook='printf "root:x:0:\nnobody:x:65534:\n" >"$1/etc/group"' \
  --extract-hook='for a in $(chroot "$1" /bin/busybox --list); do [ -e "$1/bin/$a" ] || ln -s busybox "$1/bin/$a"; done' \
  --extract-hook="copy-in $binary /bin" \
  --extract-hook='chroot --userspec=65534:65534 "$1" /bin/statsd_exporter --version >/dev/null 2>&1' \
  bookworm "$out/statsd-exporter-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/statsd-exporter-rootfs.tar" "$image" "$out/statsd-exporter.tar" \
  '["/bin/statsd_exporter"]' --user 65534:65534
rm -f "$out/statsd-exporter-rootfs.tar"
echo "images: $image in $out/statsd-exporter.tar"
