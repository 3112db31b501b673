"""Running streaming queries until they stop, past a known Spark bug."""

from __future__ import annotations

from collections.abc import Callable

from pyspark.errors import StreamingQueryException
from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

# Spark 4.1.1's Kafka source throws this from its progress metrics after a restart re-runs a
# micro-batch planned before the stop (SPARK-55271 / SPARK-57438): the batch itself is already
# written and committed, only the progress report fails. Restarting the query from its checkpoint
# goes on with the next batch, losing and repeating nothing.
KAFKA_METRICS_NPE = 'because the return value of "scala.Option.get()" is null'
MAX_RESTARTS = 3


def run_until_stopped(spark: SparkSession, starters: dict[str, Callable[[], StreamingQuery]]) -> None:
    """Runs every query until one stops; a query killed by the known Kafka metrics bug is started
    again from its checkpoint (at most MAX_RESTARTS times), any other failure ends the job."""
    queries = {name: start() for name, start in starters.items()}
    restarts = dict.fromkeys(starters, 0)
    while True:
        try:
            spark.streams.awaitAnyTermination()
            return
        except StreamingQueryException as error:
            failed = [name for name, query in queries.items() if not query.isActive]
            if KAFKA_METRICS_NPE not in str(error) or any(restarts[n] >= MAX_RESTARTS for n in failed):
                raise
            spark.streams.resetTerminated()
            for name in failed:
                restarts[name] += 1
                print(f"restarting {name} after Spark's Kafka metrics bug (SPARK-55271), #{restarts[name]}")
                queries[name] = starters[name]()
