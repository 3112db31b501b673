#!/usr/bin/env bash
# A Superset image built without any image registry, from the local platform's own lock: Debian's
# Python 3.11 (mmdebstrap, bookworm) and a venv at /app/.venv with every package of
# tools/superset/requirements.lock (apache-superset 6.1.0, gunicorn, psycopg2-binary, statsd: the
# pins .venv-superset runs on the local platform, nothing added), installed by pip from PyPI inside
# the root filesystem with --require-hashes (the lock's sha256s) and --no-deps (the lock lists every
# package). pip compiles every module at install, so a read-only root filesystem with
# PYTHONDONTWRITEBYTECODE (the chart's) loses nothing. pip's cache and CA certificates are the
# host's, as tools/images/airflow's.
# The official apache/superset image's contract where the chart relies on it (and a little more,
# for use of the image alone):
#  - user superset, 1000 in group superset 1000 (the chart's podSecurityContext gives either image
#    1000:1000), home /app/superset_home (SUPERSET_HOME and HOME; the chart mounts an emptyDir
#    there), PYTHONPATH /app/pythonpath (where the official image's superset_config.py would go;
#    the chart points SUPERSET_CONFIG_PATH at its ConfigMap instead), SUPERSET_PORT 8088, FLASK_APP;
#  - the venv's superset, gunicorn and python first on PATH (/app/.venv/bin, the official venv's
#    path), and `sh`: the chart's commands are gunicorn (the server), python (its
#    wait-for-migrations init container) and sh (the init Job's init.sh, which runs provision.py);
#  - the entrypoint /app/docker/entrypoints/run-server.sh: gunicorn as the official run-server.sh
#    starts it, or its arguments run as they are. The chart gives every container a command.
# Differences: the working directory is / (the official image's is /app; the chart sets the
# server's to its home volume, and its other commands use absolute paths); no headless browser,
# no dev tools, no MySQL or other drivers than the lock's (the official -dev build has them: the
# chart uses none; thumbnails and alerts are off in its superset_config.py).
# Usage (as root; tools/ci/images.sh runs it): tools/images/superset/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: $0 <output dir>}
lock="$root/tools/superset/requirements.lock"
version=$(sed -n 's/^apache-superset==\([^ ]*\).*/\1/p' "$lock")
[ -n "$version" ] || { echo "images: no apache-superset pin in $lock" >&2; exit 1; }
image=datapark.local/superset:${version}-bookworm
cache="${PIP_CACHE_DIR:-$HOME/.cache/pip}"
mkdir -p "$out" "$cache"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: bash tools/ci/apt.sh" >&2; exit 1; }
cp "$lock" "$out/requirements.lock"
# pip's cache is bound into the root filesystem for the install alone, and unbound in the same
# hook whatever pip does: mmdebstrap removes its directory after a failure, which must not reach
# through a mount left behind into the host's cache.
pip_install="mount --bind $cache \"\$1/root/.cache/pip\" || exit 1
chroot \"\$1\" env SSL_CERT_FILE=/build/ca-certificates.crt REQUESTS_CA_BUNDLE=/build/ca-certificates.crt PIP_CERT=/build/ca-certificates.crt PIP_FIND_LINKS= /app/.venv/bin/pip install --cert /build/ca-certificates.crt --quiet --disable-pip-version-check --progress-bar off --no-deps --require-hashes -r /build/requirements.lock
status=\$?
umount \"\$1/root/.cache/pip\" || exit 1
exit \$status"
# What the chart runs, as the chart's user, from the venv on PATH: the server's gunicorn and the
# modules its superset_config.py and wait_for_migrations.py import, the PostgreSQL driver
# included; the pinned Superset.
check='chroot --userspec=1000:1000 "$1" env -i PATH=/app/.venv/bin:/usr/bin:/bin HOME=/app/superset_home PYTHONDONTWRITEBYTECODE=1 sh -c '"'"'
  gunicorn --version >/dev/null &&
  python -c "import importlib.metadata as m, psycopg2, sqlalchemy, statsd, superset.stats_logger; print(\"superset\", m.version(\"apache-superset\"), \"psycopg2\", psycopg2.__version__)" &&
  command -v superset >/dev/null'"'"
# Smaller: no manuals, translations of Debian's tools or documentation but the copyright files
# (dpkg leaves them out), and no test suites of pandas, numpy and pyarrow (44 MB that nothing
# imports).
mmdebstrap --variant=minbase --include=python3,python3-venv \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --essential-hook='echo "superset:x:1000:1000::/app/superset_home:/bin/bash" >>"$1/etc/passwd"; echo "superset:x:1000:" >>"$1/etc/group"; echo "superset:*:19000:0:99999:7:::" >>"$1/etc/shadow"' \
  --customize-hook='mkdir -p "$1/app/superset_home" "$1/app/pythonpath" "$1/app/docker/entrypoints" "$1/root/.cache/pip" "$1/build" && chown 1000:1000 "$1/app/superset_home"' \
  --customize-hook="cp $out/requirements.lock /etc/ssl/certs/ca-certificates.crt \"\$1/build/\"" \
  --customize-hook='chroot "$1" python3 -m venv /app/.venv' \
  --customize-hook="$pip_install" \
  --customize-hook='for p in pandas numpy pyarrow; do rm -rf "$1/app/.venv/lib/python3.11/site-packages/$p/tests"; done' \
  --customize-hook='rm -rf "$1/build" "$1/root/.cache" "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
  --customize-hook="copy-in $here/entrypoint.sh /app/docker/entrypoints" \
  --customize-hook='mv "$1/app/docker/entrypoints/entrypoint.sh" "$1/app/docker/entrypoints/run-server.sh" && chmod 755 "$1/app/docker/entrypoints/run-server.sh"' \
  --customize-hook="$check" \
  bookworm "$out/superset-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/superset-rootfs.tar" "$image" "$out/superset.tar" \
  '["/app/docker/entrypoints/run-server.sh"]' --user 1000:1000 \
  --env PATH=/app/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env SUPERSET_HOME=/app/superset_home --env HOME=/app/superset_home \
  --env PYTHONPATH=/app/pythonpath --env SUPERSET_PORT=8088 \
  --env "FLASK_APP=superset.app:create_app()" --env SUPERSET_ENV=production \
  --env LANG=C.UTF-8 --env PYTHONUNBUFFERED=1
rm -f "$out/superset-rootfs.tar" "$out/requirements.lock"
echo "images: $image in $out/superset.tar"
