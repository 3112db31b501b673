#!/usr/bin/env bash
# A Spark image built without any image registry, from the local platform's own artifacts:
# Debian's OpenJDK 17 and Python 3.11 (mmdebstrap, bookworm), the pyspark 4.1.1 wheel the venv
# installed from PyPI (tools/python/requirements.lock) as SPARK_HOME at /opt/spark, importable
# from /opt/venv (the Python that PySpark drivers and executors run: PYSPARK_PYTHON), and the
# connector jars tools/ci/maven.sh resolves (tools/jars/spark: JDBC, Kafka, Iceberg, S3) in
# /opt/spark/jars, where the official image has none (the chart's global.sparkJars fetches them).
# The user is spark, 185:185, as the official apache/spark image's; the same paths
# (/opt/spark/bin/spark-class, conf, work, logs), so the chart's commands hold for both.
# Usage (as root; tools/ci/images.sh runs it): tools/images/spark/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: $0 <output dir>}
image=datapark.local/spark:4.1.1-bookworm
site="$root/.venv/lib/python3.11/site-packages"
jars="$root/.tools/jars/spark"
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: bash tools/ci/apt.sh" >&2; exit 1; }
[ -f "$site/pyspark-4.1.1.dist-info/METADATA" ] || {
  echo "images: pyspark 4.1.1 is not in $site: run \`bash tools/ci/python.sh\` first" >&2
  exit 1
}
ls "$jars"/postgresql-*.jar >/dev/null 2>&1 || {
  echo "images: the Spark connector jars are not in $jars: run \`bash tools/ci/maven.sh\` first" >&2
  exit 1
}
venv_site=/opt/venv/lib/python3.11/site-packages
mmdebstrap --variant=minbase --include=openjdk-17-jre-headless,python3,python3-venv,procps \
  --essential-hook='echo "spark:x:185:185::/home/spark:/bin/bash" >>"$1/etc/passwd"; echo "spark:x:185:" >>"$1/etc/group"; echo "spark:*:19000:0:99999:7:::" >>"$1/etc/shadow"' \
  --customize-hook='mkdir -p "$1/opt/spark" "$1/home/spark" && chown 185:185 "$1/home/spark"' \
  --customize-hook="sync-in $site/pyspark /opt/spark" \
  --customize-hook="sync-in $jars /opt/spark/jars" \
  --customize-hook='mkdir -p "$1/opt/spark/conf" "$1/opt/spark/work" "$1/opt/spark/logs" "$1/opt/spark/events" && chown 185:185 "$1/opt/spark/work" "$1/opt/spark/logs" "$1/opt/spark/events"' \
  --customize-hook='chroot "$1" python3 -m venv --without-pip /opt/venv' \
  --customize-hook="mkdir -p \"\$1$venv_site/py4j\" && ln -s /opt/spark \"\$1$venv_site/pyspark\"" \
  --customize-hook="sync-in $site/py4j $venv_site/py4j" \
  --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
  bookworm "$out/spark-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/spark-rootfs.tar" "$image" "$out/spark.tar" \
  '["/opt/spark/bin/spark-class"]' --user 185:185 \
  --env PATH=/opt/venv/bin:/opt/spark/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env SPARK_HOME=/opt/spark --env PYSPARK_PYTHON=/opt/venv/bin/python
rm -f "$out/spark-rootfs.tar"
echo "images: $image in $out/spark.tar"
