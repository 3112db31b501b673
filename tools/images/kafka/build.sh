#!/usr/bin/env bash
# A Kafka image built without any image registry, from the local platform's own artifacts:
# Debian's OpenJDK 17 (mmdebstrap, bookworm) plus the Kafka 4.3.1 jars tools/ci/maven.sh resolves
# from Maven Central (tools/jars/kafka/pom.xml, copied into .tools/jars/kafka) at /opt/kafka/libs.
# Maven serves no bin/ directory: bin/ holds a kafka-run-class.sh that honours the distribution's
# variables (KAFKA_HEAP_OPTS, KAFKA_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_LOG4J_OPTS, LOG_DIR,
# JAVA_HOME) and one line per script the chart calls. The user is appuser, 1000:1000, as the
# official apache/kafka image's, so the chart's securityContext holds for both. The Prometheus
# JMX exporter's agent (jmx_prometheus_javaagent 1.0.1, the local platform's, from the same
# maven.sh) is baked in at /opt/kafka/jmx-exporter, so the chart's metrics need no download
# (kafka.metrics.jmxExporter.jarInImage).
# Usage (as root; tools/ci/images.sh runs it): tools/images/kafka/build.sh <output dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: $0 <output dir>}
image=datapark.local/kafka:4.3.1-bookworm
jars="$root/.tools/jars/kafka"
agent="$root/.tools/jars/jmx-exporter"
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "images: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "images: mmdebstrap is missing: bash tools/ci/apt.sh" >&2; exit 1; }
ls "$jars"/kafka_2.13-4.3.1.jar >/dev/null 2>&1 || {
  echo "images: the Kafka jars are not in $jars: run \`bash tools/ci/maven.sh\` first" >&2
  exit 1
}
ls "$agent"/jmx_prometheus_javaagent-1.0.1.jar >/dev/null 2>&1 || {
  echo "images: the JMX exporter agent is not in $agent: run \`bash tools/ci/maven.sh\` first" >&2
  exit 1
}
mmdebstrap --variant=minbase --include=openjdk-17-jre-headless \
  --essential-hook='echo "appuser:x:1000:1000::/home/appuser:/bin/sh" >>"$1/etc/passwd"; echo "appuser:x:1000:" >>"$1/etc/group"; echo "appuser:*:19000:0:99999:7:::" >>"$1/etc/shadow"' \
  --customize-hook='mkdir -p "$1/opt/kafka/libs" "$1/opt/kafka/jmx-exporter" "$1/opt/kafka/bin" "$1/opt/kafka/config" "$1/home/appuser" "$1/var/lib/kafka/data" && chown 1000:1000 "$1/home/appuser" "$1/var/lib/kafka/data"' \
  --customize-hook="sync-in $jars /opt/kafka/libs" \
  --customize-hook="sync-in $here/bin /opt/kafka/bin" \
  --customize-hook="copy-in $agent/jmx_prometheus_javaagent-1.0.1.jar /opt/kafka/jmx-exporter" \
  --customize-hook="sync-in $here/config /opt/kafka/config" \
  --customize-hook='chmod 755 "$1"/opt/kafka/bin/*.sh; chown -R 0:0 "$1/opt/kafka"' \
  --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
  bookworm "$out/kafka-rootfs.tar" "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
python3 "$here/../../kube/oci-image.py" "$out/kafka-rootfs.tar" "$image" "$out/kafka.tar" \
  '["/opt/kafka/bin/kafka-server-start.sh"]' --user 1000:1000 \
  --env PATH=/opt/kafka/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
rm -f "$out/kafka-rootfs.tar"
echo "images: $image in $out/kafka.tar"
