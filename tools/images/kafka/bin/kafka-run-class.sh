#!/bin/sh
# Runs a Kafka class on the image's jars, honouring the variables of the distribution's script of
# the same name (Maven Central serves the jars, not bin/): KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_OPTS, KAFKA_LOG4J_OPTS, LOG_DIR and JAVA_HOME.
set -eu
[ $# -ge 1 ] || { echo "USAGE: $0 classname [opts]" >&2; exit 1; }
base_dir=$(cd "$(dirname "$0")/.." && pwd)
LOG_DIR=${LOG_DIR:-/tmp/kafka-logs}
mkdir -p "$LOG_DIR"
java=java
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
# Word splitting of the *_OPTS variables is intended: each holds several options.
# shellcheck disable=SC2086
exec "$java" ${KAFKA_HEAP_OPTS:--Xmx256M} \
  ${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true} \
  ${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/log4j2.properties} \
  "-Dkafka.logs.dir=$LOG_DIR" ${KAFKA_OPTS:-} -cp "$base_dir/libs/*" "$@"
