#!/usr/bin/env bash
# A PostgreSQL image from Debian's packages, built without any image registry: mmdebstrap writes
# a bookworm root filesystem with postgresql-15 from bookworm and its updates (15.20 today; the
# local platform runs whatever apt-get installed on its machine, 15.18 on the one this was
# written on: pinning both to one version needs snapshot.debian.org), the
# "postgres" user made uid/gid 999 before the packages install (the chart runs the pod as 999, and
# initdb refuses a uid with no passwd entry), and entrypoint.sh (the official image's
# POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB / PGDATA contract); tools/kube/oci-image.py
# turns it into an image archive for `ctr -n k8s.io images import`.
# A prototype for `images:build` (issue 23): 3 to 4.5 minutes on 2 cores, 485 MB uncompressed.
# Usage (as root): tools/images/postgresql/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: $0 <output dir>}
image=datapark.local/postgresql:15-bookworm
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: apt-get install mmdebstrap" >&2; exit 1; }
mmdebstrap --variant=minbase --include=postgresql-15 \
  --essential-hook='echo "postgres:x:999:999:PostgreSQL administrator:/var/lib/postgresql:/bin/bash" >>"$1/etc/passwd"; echo "postgres:x:999:" >>"$1/etc/group"; echo "postgres:*:19000:0:99999:7:::" >>"$1/etc/shadow"' \
  --customize-hook="copy-in $here/entrypoint.sh /usr/local/bin" \
  bookworm "$out/postgresql-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/postgresql-rootfs.tar" "$image" "$out/postgresql.tar" \
  '["/usr/local/bin/entrypoint.sh"]' --user 999:999 \
  --env PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env PGDATA=/var/lib/postgresql/data
rm -f "$out/postgresql-rootfs.tar"
echo "images: $image in $out/postgresql.tar"
