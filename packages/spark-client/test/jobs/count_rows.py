"""Counts to N on the cluster and writes the result to a file: proof the job really ran."""

import sys

from pyspark.sql import SparkSession

n, out = int(sys.argv[1]), sys.argv[2]
spark = SparkSession.builder.getOrCreate()
total = spark.range(n).selectExpr("sum(id) AS s").collect()[0]["s"]
with open(out, "w") as f:
    f.write(str(total))
spark.stop()
