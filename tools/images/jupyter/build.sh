#!/usr/bin/env bash
# A Jupyter image built without any image registry, from the local platform's own lock: Debian's
# Python 3.11 and OpenJDK 17 (mmdebstrap, bookworm) and a venv at /opt/venv with the share of
# tools/python/requirements.lock that JupyterLab, its Python kernel, PySpark and the notebooks'
# data stack need (requirements.py reads it off the lock's `# via` lines: 109 packages; Airflow,
# pytest and ruff left out), installed by pip from PyPI inside the root filesystem (--no-deps:
# every version is the lock's; `pip check` then proves the set complete). Spark's connector jars
# (tools/ci/maven.sh: JDBC, Kafka, Iceberg, S3) go into pyspark's own jars/, as the Spark image
# has them in /opt/spark/jars, so the PySpark driver this pod runs in client mode has them
# without global.sparkJars. pip's cache and CA certificates are the host's, as for the Airflow image.
# The Jupyter Docker Stacks image's contract where the chart relies on it: user jovyan 1000 in
# group users (100), home /home/jovyan with Debian's /etc/skel, entrypoint tini -g -- start.sh,
# and start-notebook.py on PATH (`jupyter lab` with the chart's arguments), python3 on PATH with
# ipykernel and pyspark (install-kernels.sh pyspark), /etc/jupyter/jupyter_server_config.py.
# Usage (as root; tools/ci/images.sh runs it): tools/images/jupyter/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: $0 <output dir>}
image=datapark.local/jupyter:4.6.6-bookworm
lock="$root/tools/python/requirements.lock"
jars="$root/.tools/jars/spark"
cache="${PIP_CACHE_DIR:-$HOME/.cache/pip}"
mkdir -p "$out" "$cache"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: bash tools/ci/apt.sh" >&2; exit 1; }
ls "$jars"/postgresql-*.jar >/dev/null 2>&1 || {
  echo "images: the Spark connector jars are not in $jars: run \`bash tools/ci/maven.sh\` first" >&2
  exit 1
}
python3 "$here/requirements.py" "$lock" >"$out/requirements.txt"
grep -q '^jupyterlab==4\.6\.6$' "$out/requirements.txt" || {
  echo "images: the lock's jupyterlab is not 4.6.6: change the tag in $0" >&2
  exit 1
}
venv_site=/opt/venv/lib/python3.11/site-packages
# As the Airflow image's: pip's cache bound in for the install alone, unbound whatever pip does.
# PYSPARK_HADOOP_VERSION unset: pyspark's build would download a Hadoop distribution.
pip_install="mount --bind $cache \"\$1/root/.cache/pip\" || exit 1
chroot \"\$1\" env -u PYSPARK_HADOOP_VERSION SSL_CERT_FILE=/build/ca-certificates.crt REQUESTS_CA_BUNDLE=/build/ca-certificates.crt PIP_CERT=/build/ca-certificates.crt PIP_FIND_LINKS= /opt/venv/bin/pip install --cert /build/ca-certificates.crt --quiet --disable-pip-version-check --progress-bar off --no-deps -r /build/requirements.txt
status=\$?
umount \"\$1/root/.cache/pip\" || exit 1
exit \$status"
mmdebstrap --variant=minbase --include=python3,python3-venv,openjdk-17-jre-headless,tini,procps,ca-certificates \
  --essential-hook='echo "jovyan:x:1000:100::/home/jovyan:/bin/bash" >>"$1/etc/passwd"; echo "jovyan:*:19000:0:99999:7:::" >>"$1/etc/shadow"' \
  --customize-hook='mkdir -p "$1/home/jovyan/work" "$1/etc/jupyter" "$1/root/.cache/pip" "$1/build" && cp -a "$1/etc/skel/." "$1/home/jovyan/" && chown -R 1000:100 "$1/home/jovyan"' \
  --customize-hook="cp $out/requirements.txt /etc/ssl/certs/ca-certificates.crt \"\$1/build/\"" \
  --customize-hook='chroot "$1" python3 -m venv /opt/venv' \
  --customize-hook="$pip_install" \
  --customize-hook="cp $jars/*.jar \"\$1$venv_site/pyspark/jars/\"" \
  --customize-hook='rm -rf "$1/build" "$1/root/.cache" "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
  --customize-hook="copy-in $here/start.sh $here/start-notebook.py /usr/local/bin" \
  --customize-hook='chmod 755 "$1/usr/local/bin/start.sh" "$1/usr/local/bin/start-notebook.py"' \
  --customize-hook="copy-in $here/jupyter_server_config.py /etc/jupyter" \
  --customize-hook="copy-in $here/check.sh /tmp" \
  --customize-hook='chroot "$1" setpriv --reuid=1000 --regid=100 --clear-groups sh /tmp/check.sh && rm "$1/tmp/check.sh"' \
  bookworm "$out/jupyter-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/jupyter-rootfs.tar" "$image" "$out/jupyter.tar" \
  '["/usr/bin/tini", "-g", "--", "/usr/local/bin/start.sh"]' --user 1000:100 \
  --env PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env HOME=/home/jovyan --env SHELL=/bin/bash --env LANG=C.UTF-8 --env PYTHONUNBUFFERED=1 \
  --env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
rm -f "$out/jupyter-rootfs.tar" "$out/requirements.txt"
echo "images: $image in $out/jupyter.tar"
