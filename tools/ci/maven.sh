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
  echo "$hash" > "$stamp"
  echo "maven: $set_name: $(ls "$out" | wc -l) jars"
done
