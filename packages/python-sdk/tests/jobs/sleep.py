"""Runs until killed."""

import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
time.sleep(600)
