#!/usr/bin/env bash
# A Redis image from Debian's packages, built without any image registry (as
# tools/images/postgresql): mmdebstrap writes a bookworm root filesystem with redis-server from
# bookworm and its updates (7.0 there; the local platform runs the same package), the "redis"
# user made uid/gid 999 before the packages install (the chart runs Airflow's Redis as 999, as the
# official image's user), and tools/kube/oci-image.py turns it into an image archive.
# The chart gives the whole command (`sh -c "exec redis-server --port … --requirepass …"`) and
# probes with `redis-cli` (redis-tools, which redis-server depends on); the image's own
# entrypoint is plain redis-server.
# Usage (as root; tools/ci/images.sh runs it): tools/images/redis/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: $0 <output dir>}
image=datapark.local/redis:7.0-bookworm
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: bash tools/ci/apt.sh" >&2; exit 1; }
mmdebstrap --variant=minbase --include=redis-server \
  --essential-hook='echo "redis:x:999:999::/var/lib/redis:/usr/sbin/nologin" >>"$1/etc/passwd"; echo "redis:x:999:" >>"$1/etc/group"; echo "redis:*:19000:0:99999:7:::" >>"$1/etc/shadow"' \
  --customize-hook='mkdir -p "$1/data" && chown 999:999 "$1/data"' \
  bookworm "$out/redis-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/redis-rootfs.tar" "$image" "$out/redis.tar" \
  '["redis-server"]' --user 999:999
rm -f "$out/redis-rootfs.tar"
echo "images: $image in $out/redis.tar"
