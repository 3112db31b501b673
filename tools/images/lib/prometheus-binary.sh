#!/usr/bin/env bash
# An image of one Prometheus-project program, in the contract of its official prom/* image
# (entrypoint /bin/<program>, user nobody 65534:65534; the chart gives only the arguments), built
# without any image registry: mmdebstrap's `extract` variant unpacks the bookworm packages named
# (the program's Debian package, or none for a Go-built binary copied in) with what they depend on,
# and busybox-static (/bin/sh and the usual applets, as the official images' busybox base has them)
# and netbase (/etc/services, which Go's net package reads). No maintainer script runs: nothing
# the packages would set up (users, systemd units) is wanted. /etc/passwd and /etc/group hold root
# and nobody, as the statsd-exporter image. The last hook proves the program starts there, as
# nobody: `--version`, which must report the version the image is tagged with (Debian's builds say
# `0.11.1 (branch: debian/sid…`, `1.45.0-2+b4`: the upstream version, then Debian's suffix).
# Usage: prometheus-binary.sh <output dir> datapark.local/<name>:<version>-bookworm <program>
#   <the binary in the root, or a file to copy in as /bin/<program>> [Debian packages…]
# IMAGE_ENTRYPOINT (/bin/<program>) and IMAGE_USER (65534:65534) where the official image differs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: $0 <output dir> <image> <program> <binary> [packages…]}
image=${2:?} program=${3:?} binary=${4:?}
shift 4
name=${image#datapark.local/} && name=${name%%:*}
version=${image##*:} && version=${version%-bookworm}
entrypoint=${IMAGE_ENTRYPOINT:-/bin/$program} user=${IMAGE_USER:-65534:65534}
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: bash tools/ci/apt.sh" >&2; exit 1; }
if [ $# -eq 0 ]; then
  # No package: a binary of this machine's (the Go builds').
  [ -x "$binary" ] || { echo "images: $binary is missing" >&2; exit 1; }
  [ "$(basename "$binary")" = "$program" ] || { echo "images: $binary must be named $program" >&2; exit 1; }
  place="copy-in $binary /bin"
else
  # A Debian package's binary (/usr/bin/prometheus-node-exporter) under the official name.
  place="[ -x \"\$1$binary\" ] && { [ -e \"\$1/bin/$program\" ] || ln -s $binary \"\$1/bin/$program\"; }"
fi
link=true
[ "$entrypoint" = "/bin/$program" ] || link="ln -s /bin/$program \"\$1$entrypoint\""
packages=$(IFS=,; echo "busybox-static,netbase${*:+,$*}")
mmdebstrap --variant=extract --include="$packages" \
  --setup-hook='mkdir -p "$1/proc" "$1/sys" "$1/tmp" && chmod 1777 "$1/tmp"' \
  --extract-hook='printf "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n" >"$1/etc/passwd"' \
  --extract-hook='printf "root:x:0:\nnobody:x:65534:\n" >"$1/etc/group"' \
  --extract-hook='for a in $(chroot "$1" /bin/busybox --list); do [ -e "$1/bin/$a" ] || ln -s busybox "$1/bin/$a"; done' \
  --extract-hook="$place" \
  --extract-hook="$link" \
  --extract-hook="v=\$(chroot --userspec=$user \"\$1\" $entrypoint --version 2>&1 | head -1); echo \"images: $entrypoint --version: \$v\"; echo \"\$v\" | grep -Eq '[ v]${version//./\\.}[+ -]'" \
  bookworm "$out/$name-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/$name-rootfs.tar" "$image" "$out/$name.tar" \
  "[\"$entrypoint\"]" --user "$user"
rm -f "$out/$name-rootfs.tar"
echo "images: $image in $out/$name.tar"
