#!/usr/bin/env bash
# An object store image built without any image registry: the versitygw binary (Versity Gateway,
# Apache-2.0) tools/ci/objectstore.sh builds with `go install` from the Go module proxy (its pinned
# VERSITYGW_VERSION: a static CGO_ENABLED=0 binary in "$(go env GOPATH)/bin"), on the smallest
# Debian root filesystem that serves, as tools/images/statsd-exporter's: mmdebstrap's `extract`
# variant unpacks two bookworm packages and nothing else (no libc, apt or dpkg: the binary needs
# none), busybox-static and netbase (/etc/services and /etc/protocols, which Go's net package reads).
# The contract of the official versity/versitygw image (its Dockerfile in the same release), so
# that the chart's commands hold for both:
#  - /usr/local/bin/versitygw, on PATH, and the entrypoint /usr/local/bin/docker-entrypoint.sh,
#    the release's own script (from the module the Go proxy served: it execs versitygw with the
#    container's arguments, or builds them from VGW_BACKEND/VGW_ARGS when there are none). The
#    chart passes the gateway's arguments only (args), and gives the other containers a command.
#  - a shell and the applets the chart's commands use: `mkdir -p` (the data-dir init container),
#    and the bucket Job's `sh -c` with timeout, wget (the health path), awk, grep and printf beside
#    `versitygw admin` (busybox-static here, alpine's busybox there). busybox's static wget resolves
#    the Service's short name through /etc/resolv.conf's search path (glibc's resolver, no NSS).
#  Not its /tmp/vgw (the Dockerfile's IAM_DIR and SETUP_DIR, which the chart uses neither of):
#  mmdebstrap empties /tmp, and the chart mounts an emptyDir there.
# One difference: the official image sets no user (root); this one runs as versitygw, 1000:1000,
# the user the chart gives either image (podSecurityContext: 1000, as Versity's own chart).
# No CA certificates (the chart's gateway serves plain HTTP and stores on a POSIX volume; the
# s3/azure backends would need them) and no time zone data, as the statsd-exporter image.
# Usage (as root; tools/ci/images.sh runs it): tools/images/objectstore/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: $0 <output dir>}
version=$(sed -n 's/^VERSITYGW_VERSION=//p' "$root/tools/ci/objectstore.sh")
image=datapark.local/objectstore:${version#v}-bookworm
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: bash tools/ci/apt.sh" >&2; exit 1; }
. "$root/tools/ci/go-toolchain.sh"
require_go images 1.25
binary="$(go env GOPATH | cut -d: -f1)/bin/versitygw"
# The pinned version, or the image would carry another one under this tag. (That it runs in the
# image, with no libc there, as 1000, through the entrypoint, the last hook below proves.)
reported=$("$binary" --version 2>&1 || true)
grep -q "^Version *: *$version\$" <<<"$reported" || {
  echo "images: $binary is not versitygw $version ($(head -1 <<<"${reported:-missing}")): run \`bash tools/ci/objectstore.sh\` first" >&2
  exit 1
}
# The release's entrypoint, from the module `go install` fetched (the module cache; the Go module
# proxy again if the cache was cleaned). Its files are read-only there: copied, then made 0755.
module=$(cd "$out" && go mod download -json "github.com/versity/versitygw@$version" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
entrypoint="$module/docker-entrypoint.sh"
[ -s "$entrypoint" ] || { echo "images: no docker-entrypoint.sh in $module" >&2; exit 1; }
mmdebstrap --variant=extract --include=busybox-static,netbase \
  --setup-hook='mkdir -p "$1/proc" "$1/sys" "$1/tmp" && chmod 1777 "$1/tmp"' \
  --extract-hook='printf "root:x:0:0:root:/root:/bin/sh\nversitygw:x:1000:1000:versitygw:/nonexistent:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n" >"$1/etc/passwd"' \
  --extract-hook='printf "root:x:0:\nversitygw:x:1000:\nnobody:x:65534:\n" >"$1/etc/group"' \
  --extract-hook='for a in $(chroot "$1" /bin/busybox --list); do [ -e "$1/bin/$a" ] || ln -s busybox "$1/bin/$a"; done' \
  --extract-hook='mkdir -p "$1/usr/local/bin"' \
  --extract-hook="copy-in $binary $entrypoint /usr/local/bin" \
  --extract-hook='chmod 0755 "$1/usr/local/bin/versitygw" "$1/usr/local/bin/docker-entrypoint.sh"' \
  --extract-hook='chroot --userspec=1000:1000 "$1" /usr/local/bin/docker-entrypoint.sh --version | grep -q "^Version"' \
  bookworm "$out/objectstore-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/objectstore-rootfs.tar" "$image" "$out/objectstore.tar" \
  '["/usr/local/bin/docker-entrypoint.sh"]' --user 1000:1000
rm -f "$out/objectstore-rootfs.tar"
echo "images: $image in $out/objectstore.tar"
