"""Prints N numbered lines to stdout after a small Spark computation: a job whose output is its result."""

import sys

from pyspark.sql import SparkSession

n, tag = int(sys.argv[1]), sys.argv[2]
spark = SparkSession.builder.getOrCreate()
total = spark.range(n).count()
for i in range(total):
    print(f"{tag} line {i + 1} of {total}")
spark.stop()
