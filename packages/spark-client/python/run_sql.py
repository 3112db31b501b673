"""Runs the statements of a SQL file on Spark, one after another, printing each result.

Submitted by @datapark/spark-client's sqlRequest(): the REST server runs Python scripts, not
SQL files, and the pyspark wheel has no spark-sql CLI.
"""

import sys

from pyspark.sql import SparkSession


def statements(text: str) -> list[str]:
    """Splits on semicolons at the end of a line; `--` comment lines are dropped."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip().rstrip(";").strip()]


def main() -> None:
    path = sys.argv[1]
    spark = SparkSession.builder.getOrCreate()
    with open(path, encoding="utf-8") as f:
        for n, statement in enumerate(statements(f.read()), start=1):
            print(f"-- statement {n}: {statement.splitlines()[0][:80]}")
            spark.sql(statement.rstrip(";")).show(truncate=False)
    spark.stop()


if __name__ == "__main__":
    main()
