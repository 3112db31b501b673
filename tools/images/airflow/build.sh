#!/usr/bin/env bash
# An Airflow image built without any image registry, from the local platform's own lock: Debian's
# Python 3.11 (mmdebstrap, bookworm) and a venv at /opt/venv with every package of
# tools/python/requirements.lock but pyspark (apache-airflow 3.3.2 and its providers, the Celery
# executor, what the DAGs import: the same pins as the local platform), installed by pip from
# PyPI inside the root filesystem (--no-deps: the lock lists every package). pip's cache and CA
# certificates are the host's (a machine may reach PyPI through a proxy of its own CA); with the
# cache warm a build took 179 s instead of 308 s. The Python SDK is not baked in: the chart delivers it with the DAGs.
# The official apache/airflow image's contract where the chart relies on it: user airflow
# 50000 in group 0, AIRFLOW_HOME /opt/airflow, and entrypoint.sh (an airflow subcommand, or a
# command run as it is). Not supported: _PIP_ADDITIONAL_REQUIREMENTS (the chart's
# extraPipPackages), which the official entrypoint installs at start.
# Usage (as root; tools/ci/images.sh runs it): tools/images/airflow/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: $0 <output dir>}
image=datapark.local/airflow:3.3.2-bookworm
lock="$root/tools/python/requirements.lock"
cache="${PIP_CACHE_DIR:-$HOME/.cache/pip}"
mkdir -p "$out" "$cache"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: bash tools/ci/apt.sh" >&2; exit 1; }
# The lock without pyspark: Spark's 490 MB of jars belong in the Spark image (the DAGs submit
# over REST and need none of them).
grep -E '^[A-Za-z0-9]' "$lock" | grep -v '^pyspark==' >"$out/requirements.txt"
# pip's cache is bound into the root filesystem for the install alone, and unbound in the same
# hook whatever pip does: mmdebstrap removes its directory after a failure, which must not reach
# through a mount left behind into the host's cache.
pip_install="mount --bind $cache \"\$1/root/.cache/pip\" || exit 1
chroot \"\$1\" env SSL_CERT_FILE=/build/ca-certificates.crt REQUESTS_CA_BUNDLE=/build/ca-certificates.crt PIP_CERT=/build/ca-certificates.crt PIP_FIND_LINKS= /opt/venv/bin/pip install --cert /build/ca-certificates.crt --quiet --disable-pip-version-check --progress-bar off --no-deps -r /build/requirements.txt
status=\$?
umount \"\$1/root/.cache/pip\" || exit 1
exit \$status"
mmdebstrap --variant=minbase --include=python3,python3-venv,procps,ca-certificates \
  --essential-hook='echo "airflow:x:50000:0::/home/airflow:/bin/bash" >>"$1/etc/passwd"; echo "airflow:*:19000:0:99999:7:::" >>"$1/etc/shadow"' \
  --customize-hook='mkdir -p "$1/home/airflow" "$1/opt/airflow" "$1/root/.cache/pip" "$1/build" && chown 50000:0 "$1/home/airflow" "$1/opt/airflow" && chmod 775 "$1/opt/airflow"' \
  --customize-hook="cp $out/requirements.txt /etc/ssl/certs/ca-certificates.crt \"\$1/build/\"" \
  --customize-hook='chroot "$1" python3 -m venv /opt/venv' \
  --customize-hook="$pip_install" \
  --customize-hook='rm -rf "$1/build" "$1/root/.cache" "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
  --customize-hook="copy-in $here/entrypoint.sh /usr/local/bin" \
  --customize-hook='chmod 755 "$1/usr/local/bin/entrypoint.sh"' \
  bookworm "$out/airflow-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/airflow-rootfs.tar" "$image" "$out/airflow.tar" \
  '["/usr/local/bin/entrypoint.sh"]' --user 50000:0 \
  --env PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env AIRFLOW_HOME=/opt/airflow --env HOME=/home/airflow --env PYTHONUNBUFFERED=1
rm -f "$out/airflow-rootfs.tar" "$out/requirements.txt"
echo "images: $image in $out/airflow.tar"
