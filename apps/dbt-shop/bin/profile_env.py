"""Prints the dbt role's connection as shell assignments for bin/dbt.sh, from the platform's
configuration (the endpoints file or DATAPARK_* variables), so profiles.yml holds no password:
it reads them with env_var(). Run by the project venv's Python, which has the Python SDK."""

import shlex

from datapark_sdk.config import load_config

login = load_config().postgres_login("dbt")
for name, value in {
    "DATAPARK_DBT_HOST": login.host,
    "DATAPARK_DBT_PORT": str(login.port),
    "DATAPARK_DBT_DATABASE": login.database,
    "DATAPARK_DBT_USER": login.user,
    "DATAPARK_DBT_PASSWORD": login.password,
}.items():
    print(f"export {name}={shlex.quote(value)}")
