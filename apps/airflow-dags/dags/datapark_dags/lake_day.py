"""When the batch DAG builds its day in the lake too (jobs/lake_daily.py), and why not otherwise.

The lake job reads the day's events from `raw` and reconciles its gold with what the batch has
just written to `processed` from `source`: the two agree for a day that is over and has landed
(ingest caught up), so the lake step takes only such days and says why it skips any other.
"""

from __future__ import annotations


def lake_skip_reason(day: str, *, wanted: bool, configured: bool, today: str) -> str | None:
    """None when the lake should build `day`; else why not, for the skipped task's log."""
    if not wanted:
        return "lake = false in the run's conf: the lake is left as it is"
    if not configured:
        return (
            "this Airflow's Spark connection (datapark_spark_rest) does not say the lake is set up "
            '(extra "lake": true): the local platform sets it once the object store and the lake '
            "catalog have their keys, the chart with global.sparkJars.enabled (Iceberg's jars on "
            "its Spark)"
        )
    if day >= today:
        return (
            f"{day} is not over (today is {today} UTC): the lake builds closed days, whose orders "
            "have landed and whose statuses both sides read alike (jobs/lake_daily.py --date builds "
            "any day by hand)"
        )
    return None


def no_events_reason(day: str, events: int) -> str | None:
    """A day with no order event in `raw` (a day seeded in `source` only) has nothing to archive."""
    if events == 0:
        return f"no order event of {day} in raw: nothing for the lake (ingest lands them from Kafka)"
    return None
