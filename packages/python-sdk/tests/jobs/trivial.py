"""A job with nothing to do but prove it ran: counts ten rows on the cluster."""

from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
assert spark.range(10).count() == 10
spark.stop()
