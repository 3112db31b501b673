"""Assets the platform's DAGs hand to each other (Airflow's data-aware scheduling)."""

from __future__ import annotations

from airflow.sdk import Asset

#: Emitted when datapark_batch_etl has finished a day; datapark_dbt_build runs on it.
BATCH_ETL_DONE = Asset(name="datapark_batch_etl_done", uri="datapark://batch-etl/done")
