#!/usr/bin/env bash
# JVM jars from Maven Central, one pom per set under tools/jars/<set>/pom.xml (Kafka, Spark's
# extra connectors), copied into .tools/jars/<set>/. ~/.m2 caches them across clones.
set -euo pipefail
shopt -s nullglob
for pom in tools/jars/*/pom.xml; do
  set_name=$(basename "$(dirname "$pom")")
  out=".tools/jars/$set_name"
  stamp="$out/.pom-hash"
  hash=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    echo "maven: $set_name jars up to date"
    continue
  fi
  echo "maven: resolving $set_name jars"
  rm -rf "$out"
  mvn -B -q -f "$pom" dependency:copy-dependencies -DoutputDirectory="$PWD/$out" -DincludeScope=runtime
  # A set the Helm chart downloads too has a lock (tools/jars/lock.sh): the chart's jars must be
  # the ones resolved here, file for file.
  lock="$(dirname "$pom")/jars.lock"
  if [ -f "$lock" ]; then
    want=$(grep -v '^#' "$lock" | sed 's|  .*/|  |' | sort -k2)
    have=$(cd "$out" && sha256sum -- *.jar | sort -k2)
    if [ "$want" != "$have" ]; then
      echo "maven: $set_name: the jars resolved differ from $lock; run: bash tools/jars/lock.sh $set_name" >&2
      diff <(echo "$want") <(echo "$have") >&2 || true
      exit 1
    fi
  fi
  echo "$hash" > "$stamp"
  echo "maven: $set_name: $(ls "$out" | wc -l) jars"
done
