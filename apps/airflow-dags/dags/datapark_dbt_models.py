"""datapark_dbt_models: apps/dbt-shop model by model, one task group per model (`run`, then its
tests), rendered at parse time from the manifest `dbt parse` wrote at deploy
(apps/dbt-shop/target/deploy/manifest.json, `npx nx run dbt-shop:manifest`); the order comes from
the manifest's dependencies, so a failing model or test stops only what is built on it.

Beside datapark_dbt_build (one `dbt build`, scheduled after the batch), this one is triggered by
hand: both rebuild the same tables, and one schedule is enough. Our own thin rendering
(datapark_dags.dbt_models_dag) rather than astronomer-cosmos, for the reasons
datapark_dbt_build gives; cosmos's "after each" test behaviour is the shape copied.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from datapark_dags.dbt_models_dag import dbt_models_dag

# The DAG folder is <checkout>/apps/airflow-dags/dags on the local platform.
ROOT = Path(__file__).resolve().parents[3]
PROJECT = ROOT / "apps" / "dbt-shop"
# Each run's task artifacts (target paths, dbt logs), under the platform's state dir.
RUNS = Path(os.environ.get("DATAPARK_STATE_DIR", ROOT / ".datapark")) / "dbt" / "runs"

dbt_models_dag(
    dag_id="datapark_dbt_models",
    project=PROJECT,
    runs_dir=RUNS / "datapark_dbt_models",
    description="apps/dbt-shop model by model (run, then its tests), from the deployed manifest",
    schedule=None,
    dagrun_timeout=timedelta(minutes=45),
    tags=["datapark", "dbt", "elt", "quality"],
    default_args={"owner": "datapark", "retries": 1, "retry_delay": timedelta(minutes=1)},
)
