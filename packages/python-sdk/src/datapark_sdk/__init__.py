"""Data Park's Python SDK: what the DAGs, the Spark jobs and the notebooks share.

- :mod:`datapark_sdk.config`: endpoints and credentials, from the same endpoints file and
  ``DATAPARK_*`` variables as @datapark/config (``load_config()``).
- :mod:`datapark_sdk.spark`: the Spark REST submission client, signed for Spark's JWSFilter as
  @datapark/spark-client signs (``SparkRestClient``).

Standard library only, so it runs wherever Python does: Airflow's, Spark's and Jupyter's images
as they are.
"""
