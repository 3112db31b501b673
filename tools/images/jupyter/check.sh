#!/bin/sh
# Run by build.sh inside the root filesystem, as jovyan: what the chart's commands need is there.
set -eu
export HOME=/tmp PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin
pip check --disable-pip-version-check
python3 -c 'import ipykernel, jupyterlab, pyspark, pandas, matplotlib, pyarrow, duckdb, confluent_kafka, psycopg, sqlalchemy; print("images: imports ok, pyspark", pyspark.__version__)'
java -version 2>&1 | head -n 1
echo "images: jupyter lab $(jupyter lab --version)"
for tool in start-notebook.py start.sh tini; do command -v "$tool"; done
ls /opt/venv/lib/python3.11/site-packages/pyspark/jars/postgresql-*.jar
