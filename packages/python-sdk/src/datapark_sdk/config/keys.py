"""Every configuration key, as @datapark/config defines it (packages/config/src/keys.ts).

The environment variables, defaults, descriptions and examples are the TypeScript ones, word for
word: a test compares the two tables, so a key added on one side fails until the other has it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

#: `lab` is the learner's own role: it creates tables in the `lab` schema, reads source/raw/processed.
#: `dbt` is the ELT project's (apps/dbt-shop): it builds models in `analytics`, reads source/raw.
POSTGRES_ROLES = (
    "admin",
    "owner",
    "ingest",
    "spark_etl",
    "airflow",
    "analyst",
    "generator",
    "lab",
    "dbt",
)

#: The login name of each role in PostgreSQL.
POSTGRES_ROLE_USERS = MappingProxyType(
    {
        "admin": "datapark_admin",
        "owner": "datapark_owner",
        "ingest": "ingest",
        "spark_etl": "spark_etl",
        "airflow": "airflow",
        "analyst": "analyst",
        "generator": "generator",
        "lab": "lab",
        "dbt": "dbt",
    }
)


class Invalid(ValueError):
    """A value a key refuses; its message is what the value should have been."""


Parse = Callable[[Any], Any]


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"Invalid input: expected string, received {_js_type(value)}")
    return value


def _js_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else "object" if isinstance(value, dict | list) else type(value).__name__


def _checks(*checks: tuple[Callable[[Any], bool], str]) -> Callable[[Any], None]:
    # Every failing check is reported, joined with "; ", as zod reports its issues.
    def run(value: Any) -> None:
        failed = [message for ok, message in checks if not ok(value)]
        if failed:
            raise Invalid("; ".join(failed))

    return run


def _port(value: Any) -> int:
    # z.coerce.number(): Number(value), so "15432" and 15432 both pass and "abc" does not.
    try:
        number = float(value.strip() or 0) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise Invalid("expected a port number") from None
    if number != number:  # NaN
        raise Invalid("expected a port number")
    if not number.is_integer():  # zod's .int() ends the checks
        raise Invalid("expected a whole port number")
    _checks(
        (lambda n: n >= 1, "expected a port number from 1 to 65535"),
        (lambda n: n <= 65535, "expected a port number from 1 to 65535"),
    )(number)
    return int(number)


def _non_empty(message: str) -> Parse:
    def parse(value: Any) -> str:
        text = _string(value)
        _checks((lambda s: len(s) >= 1, message))(text)
        return text

    return parse


_host = _non_empty("expected a host name or IP address")


def _url(value: Any) -> str:
    text = _string(value)
    parts = urlsplit(text)
    if not parts.scheme or not parts.netloc or " " in text:
        raise Invalid("expected an absolute URL such as http://127.0.0.1:8080")
    return text


def _secret(value: Any) -> str:
    text = _string(value)
    _checks((lambda s: len(s) >= 8, "expected a secret of at least 8 characters"))(text)
    return text


def _matching(pattern: str, message: str) -> Parse:
    compiled = re.compile(pattern)

    def parse(value: Any) -> str:
        text = _string(value)
        _checks((lambda s: compiled.search(s) is not None, message))(text)
        return text

    return parse


def _host_port_list(value: Any) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in _string(value).split(",") if part.strip())
    failed = ["expected host:port" for part in parts if not re.fullmatch(r"[^\s:]+:\d{1,5}", part)]
    if not parts:
        failed.append("expected at least one host:port")
    if failed:
        raise Invalid("; ".join(failed))
    return parts


_identifier = _matching(r"^[a-z_][a-z0-9_]*$", "expected a lower-case SQL identifier")


@dataclass(frozen=True)
class KeySpec:
    """One key: its environment variable, how its value is checked, and what to tell a user."""

    env: str
    parse: Parse
    doc: str
    example: str
    default: Any = None
    secret: bool = False


def _role_keys() -> dict[str, KeySpec]:
    return {
        f"postgres.roles.{role}.password": KeySpec(
            env=f"DATAPARK_POSTGRES_{role.upper()}_PASSWORD",
            parse=_secret,
            secret=True,
            doc=f"password of the PostgreSQL role {POSTGRES_ROLE_USERS[role]}",
            example="a generated secret (the platform writes it to the endpoints file)",
        )
        for role in POSTGRES_ROLES
    }


#: Every key, in the order of keys.ts. Dotted keys mirror the endpoints file's shape.
CONFIG_KEYS: MappingProxyType[str, KeySpec] = MappingProxyType(
    {
        "postgres.host": KeySpec(
            "DATAPARK_POSTGRES_HOST", _host, "PostgreSQL host", "127.0.0.1", default="127.0.0.1"
        ),
        "postgres.port": KeySpec("DATAPARK_POSTGRES_PORT", _port, "PostgreSQL port", "15432", default=15432),
        "postgres.database": KeySpec(
            "DATAPARK_POSTGRES_DATABASE",
            _identifier,
            "the Data Park database",
            "datapark",
            default="datapark",
        ),
        "postgres.airflowDatabase": KeySpec(
            "DATAPARK_POSTGRES_AIRFLOW_DATABASE",
            _identifier,
            "Airflow's metadata database",
            "airflow",
            default="airflow",
        ),
        **_role_keys(),
        "redis.host": KeySpec("DATAPARK_REDIS_HOST", _host, "Redis host", "127.0.0.1", default="127.0.0.1"),
        "redis.port": KeySpec("DATAPARK_REDIS_PORT", _port, "Redis port", "16379", default=16379),
        "redis.password": KeySpec(
            "DATAPARK_REDIS_PASSWORD", _secret, "Redis password", "a generated secret", secret=True
        ),
        "kafka.bootstrapServers": KeySpec(
            "DATAPARK_KAFKA_BOOTSTRAP_SERVERS",
            _host_port_list,
            "Kafka bootstrap servers, comma separated",
            "127.0.0.1:19092,127.0.0.1:19093",
            default="127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094",
        ),
        "spark.masterUrl": KeySpec(
            "DATAPARK_SPARK_MASTER_URL",
            _matching(r"^spark://[^\s:]+:\d+$", "expected spark://host:port"),
            "Spark master URL",
            "spark://127.0.0.1:17077",
            default="spark://127.0.0.1:17077",
        ),
        "spark.restUrl": KeySpec(
            "DATAPARK_SPARK_REST_URL",
            _url,
            "Spark REST submission server",
            "http://127.0.0.1:16066",
            default="http://127.0.0.1:16066",
        ),
        "spark.restSecret": KeySpec(
            "DATAPARK_SPARK_REST_SECRET",
            _matching(
                r"^[A-Za-z0-9_-]{43,}$",
                "expected at least 32 bytes as base64url (43 or more characters of A-Z a-z 0-9 _ -)",
            ),
            "the key that signs requests to Spark's REST submission server (HS256, JWSFilter)",
            "a generated secret (the platform writes it to the endpoints file)",
            secret=True,
        ),
        "spark.uiUrl": KeySpec(
            "DATAPARK_SPARK_UI_URL",
            _url,
            "Spark master web UI",
            "http://127.0.0.1:18080",
            default="http://127.0.0.1:18080",
        ),
        "spark.historyUrl": KeySpec(
            "DATAPARK_SPARK_HISTORY_URL",
            _url,
            "Spark history server",
            "http://127.0.0.1:18180",
            default="http://127.0.0.1:18180",
        ),
        "spark.connectorJars": KeySpec(
            "DATAPARK_SPARK_CONNECTOR_JARS",
            _matching(r"^/", "expected an absolute directory path"),
            "directory of the Kafka and JDBC connector jars every Spark driver and executor gets",
            "/path/to/checkout/.tools/jars/spark",
        ),
        "airflow.url": KeySpec(
            "DATAPARK_AIRFLOW_URL",
            _url,
            "Airflow api-server",
            "http://127.0.0.1:18280",
            default="http://127.0.0.1:18280",
        ),
        "airflow.username": KeySpec(
            "DATAPARK_AIRFLOW_USERNAME",
            _non_empty("expected a user name"),
            "Airflow user",
            "datapark",
            default="datapark",
        ),
        "airflow.password": KeySpec(
            "DATAPARK_AIRFLOW_PASSWORD", _secret, "Airflow password", "a generated secret", secret=True
        ),
        "jupyter.url": KeySpec(
            "DATAPARK_JUPYTER_URL",
            _url,
            "JupyterLab",
            "http://127.0.0.1:18888",
            default="http://127.0.0.1:18888",
        ),
        "jupyter.token": KeySpec(
            "DATAPARK_JUPYTER_TOKEN", _secret, "JupyterLab token", "a generated secret", secret=True
        ),
        "superset.url": KeySpec(
            "DATAPARK_SUPERSET_URL",
            _url,
            "Apache Superset (dashboards)",
            "http://127.0.0.1:18088",
            default="http://127.0.0.1:18088",
        ),
        "superset.username": KeySpec(
            "DATAPARK_SUPERSET_USERNAME",
            _matching(r"^[A-Za-z0-9_.-]+$", "expected a user name of letters, digits, _ . -"),
            "Superset's admin user",
            "datapark",
            default="datapark",
        ),
        "superset.password": KeySpec(
            "DATAPARK_SUPERSET_PASSWORD",
            _secret,
            "password of Superset's admin user",
            "a generated secret",
            secret=True,
        ),
        "superset.secretKey": KeySpec(
            "DATAPARK_SUPERSET_SECRET_KEY",
            _secret,
            "Superset's SECRET_KEY (signs sessions, encrypts the saved database passwords)",
            "a generated secret",
            secret=True,
        ),
        "superset.metadataPassword": KeySpec(
            "DATAPARK_SUPERSET_METADATA_PASSWORD",
            _secret,
            "password of the role superset, which owns Superset's metadata database `superset`",
            "a generated secret",
            secret=True,
        ),
        "superset.readerPassword": KeySpec(
            "DATAPARK_SUPERSET_READER_PASSWORD",
            _secret,
            "password of the role superset_reader, which reads `analytics` and `processed` only "
            "(what the charts query)",
            "a generated secret",
            secret=True,
        ),
        "monitoring.prometheusUrl": KeySpec(
            "DATAPARK_PROMETHEUS_URL",
            _url,
            "Prometheus (UI and API); the exporters sit at fixed offsets above its port",
            "http://127.0.0.1:19090",
            default="http://127.0.0.1:19090",
        ),
        "monitoring.alertmanagerUrl": KeySpec(
            "DATAPARK_ALERTMANAGER_URL",
            _url,
            "Alertmanager (UI and API)",
            "http://127.0.0.1:19095",
            default="http://127.0.0.1:19095",
        ),
        "monitoring.username": KeySpec(
            "DATAPARK_MONITORING_USERNAME",
            _matching(r"^[A-Za-z0-9_.-]+$", "expected a user name of letters, digits, _ . -"),
            "user of the Prometheus and Alertmanager UIs and APIs (basic auth)",
            "datapark",
            default="datapark",
        ),
        "monitoring.password": KeySpec(
            "DATAPARK_MONITORING_PASSWORD",
            _secret,
            "password of the Prometheus and Alertmanager UIs and APIs (basic auth)",
            "a generated secret",
            secret=True,
        ),
        "monitoring.postgresPassword": KeySpec(
            "DATAPARK_MONITORING_POSTGRES_PASSWORD",
            _secret,
            "password of the PostgreSQL exporter's role datapark_monitor (pg_monitor only)",
            "a generated secret (the platform writes it to the endpoints file)",
            secret=True,
        ),
        "s3.url": KeySpec(
            "DATAPARK_S3_URL",
            _url,
            "the S3-compatible object store (path-style requests)",
            "http://127.0.0.1:17070",
            default="http://127.0.0.1:17070",
        ),
        "s3.region": KeySpec(
            "DATAPARK_S3_REGION",
            _matching(r"^[a-z0-9-]+$", "expected a region name such as us-east-1"),
            "the region requests to the object store are signed for",
            "us-east-1",
            default="us-east-1",
        ),
        "s3.accessKeyId": KeySpec(
            "DATAPARK_S3_ACCESS_KEY_ID",
            _matching(r"^[A-Za-z0-9]{16,128}$", "expected 16 to 128 letters and digits"),
            "the object store's access key id",
            "a generated key id (the platform writes it to the endpoints file)",
            secret=True,
        ),
        "s3.secretAccessKey": KeySpec(
            "DATAPARK_S3_SECRET_ACCESS_KEY",
            _secret,
            "the object store's secret access key",
            "a generated secret (the platform writes it to the endpoints file)",
            secret=True,
        ),
        "lake.warehouse": KeySpec(
            "DATAPARK_LAKE_WAREHOUSE",
            _matching(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\s]*)?$", "expected s3://bucket/path"),
            "where the lake's Iceberg tables keep their data and metadata files, in the object store",
            "s3://lake/warehouse",
            default="s3://lake/warehouse",
        ),
        "lake.catalogPassword": KeySpec(
            "DATAPARK_LAKE_CATALOG_PASSWORD",
            _secret,
            "password of the PostgreSQL role iceberg, which keeps the Iceberg JDBC catalog's tables "
            "in the schema iceberg and nothing else",
            "a generated secret (the platform writes it to the endpoints file)",
            secret=True,
        ),
    }
)
