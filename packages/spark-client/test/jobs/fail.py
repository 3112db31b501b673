"""Fails with a message the client must surface."""

from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
spark.range(3).count()
raise ValueError("datapark-test: the job failed on purpose")
