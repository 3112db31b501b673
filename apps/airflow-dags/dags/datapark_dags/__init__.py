"""Helpers shared by the Data Park DAGs (the DAG folder is on sys.path in every Airflow process)."""
