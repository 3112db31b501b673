"""Endpoints and credentials of every component, loaded as @datapark/config loads them."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from .config_error import ConfigError, ConfigProblem
from .keys import CONFIG_KEYS, POSTGRES_ROLE_USERS, Invalid, KeySpec
from .state_dir import resolve_endpoints_file, resolve_state_dir, state_pointer_file


@dataclass(frozen=True)
class PostgresRole:
    user: str
    #: None until the platform has generated it (or an override supplies it).
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class PostgresLogin:
    """Everything a connection as one role needs."""

    host: str
    port: int
    database: str
    user: str
    password: str = field(repr=False)

    @property
    def jdbc_url(self) -> str:
        """``jdbc:postgresql://host:port/database`` (user and password go separately)."""
        return f"jdbc:postgresql://{self.host}:{self.port}/{self.database}"

    @property
    def url(self) -> str:
        """``postgres://user:password@host:port/database``, as @datapark/config's postgresUrl."""
        auth = f"{quote(self.user, safe='')}:{quote(self.password, safe='')}"
        return f"postgres://{auth}@{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True)
class PostgresConfig:
    host: str
    port: int
    database: str
    airflow_database: str
    roles: Mapping[str, PostgresRole]


@dataclass(frozen=True)
class RedisConfig:
    host: str
    port: int
    password: str | None = field(repr=False)


@dataclass(frozen=True)
class KafkaConfig:
    bootstrap_servers: tuple[str, ...]


@dataclass(frozen=True)
class SparkConfig:
    master_url: str
    rest_url: str
    #: Signs REST submissions (Spark's JWSFilter); None until the platform made it.
    rest_secret: str | None = field(repr=False)
    ui_url: str
    history_url: str
    #: Connector jars (Kafka source, JDBC driver) the cluster puts on every classpath.
    connector_jars: str | None


@dataclass(frozen=True)
class AirflowConfig:
    url: str
    username: str
    password: str | None = field(repr=False)


@dataclass(frozen=True)
class JupyterConfig:
    url: str
    token: str | None = field(repr=False)


@dataclass(frozen=True)
class MonitoringConfig:
    prometheus_url: str
    alertmanager_url: str
    username: str
    #: Basic auth of Prometheus and Alertmanager; None until the platform made it.
    password: str | None = field(repr=False)
    #: The PostgreSQL exporter's role (datapark_monitor, pg_monitor only).
    postgres_password: str | None = field(repr=False)


@dataclass(frozen=True)
class S3Config:
    """The S3-compatible object store (path-style requests only)."""

    url: str
    region: str
    #: The keys; None until the platform generated them.
    access_key_id: str | None = field(repr=False)
    secret_access_key: str | None = field(repr=False)


@dataclass(frozen=True)
class LakeConfig:
    """The lake: Iceberg tables in the object store, their catalog in PostgreSQL."""

    #: ``s3://bucket/path`` where the tables' files live.
    warehouse: str
    #: The catalog role's password (role ``iceberg``); None until the platform made it.
    catalog_password: str | None = field(repr=False)


@dataclass(frozen=True)
class DataparkConfig:
    """Endpoints and credentials of every component: typed, validated, frozen."""

    state_dir: Path
    endpoints_file: Path
    postgres: PostgresConfig
    redis: RedisConfig
    kafka: KafkaConfig
    spark: SparkConfig
    airflow: AirflowConfig
    jupyter: JupyterConfig
    monitoring: MonitoringConfig
    s3: S3Config
    lake: LakeConfig

    def s3_keys(self) -> tuple[str, str]:
        """The object store's ``(access_key_id, secret_access_key)``.

        Raises :class:`ConfigError` naming the key and the fix when the platform has not made them.
        """
        if not self.s3.access_key_id:
            raise missing_secret(self, "s3.accessKeyId")
        if not self.s3.secret_access_key:
            raise missing_secret(self, "s3.secretAccessKey")
        return self.s3.access_key_id, self.s3.secret_access_key

    def postgres_login(self, role: str, database: str | None = None) -> PostgresLogin:
        """How to connect as one PostgreSQL role (``database`` defaults to the Data Park one).

        >>> load_config().postgres_login("analyst").jdbc_url
        'jdbc:postgresql://127.0.0.1:15432/datapark'

        Raises :class:`ConfigError` naming the key and the fix when the password is unknown.
        """
        if role not in self.postgres.roles:
            raise ValueError(f"no PostgreSQL role {role!r}: use one of {', '.join(self.postgres.roles)}")
        credentials = self.postgres.roles[role]
        if not credentials.password:
            raise missing_secret(self, f"postgres.roles.{role}.password")
        return PostgresLogin(
            host=self.postgres.host,
            port=self.postgres.port,
            database=database or self.postgres.database,
            user=credentials.user,
            password=credentials.password,
        )


def load_config(
    overrides: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    endpoints_file: str | os.PathLike[str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> DataparkConfig:
    """Loads the configuration. Precedence, highest first: ``overrides`` (the endpoints file's
    shape: ``{"postgres": {"host": "db"}}``, or dotted keys) > ``DATAPARK_*`` environment
    variables > the endpoints file the platform wrote > defaults. Every invalid value is
    reported at once in a :class:`ConfigError`; secrets never appear in it.

    >>> config = load_config()
    >>> config.kafka.bootstrap_servers
    ('127.0.0.1:19092', '127.0.0.1:19093', '127.0.0.1:19094')
    >>> config.postgres_login("spark_etl").jdbc_url
    'jdbc:postgresql://127.0.0.1:15432/datapark'
    """
    env = os.environ if env is None else env
    state_dir = resolve_state_dir(env, cwd)
    path = Path(endpoints_file) if endpoints_file is not None else resolve_endpoints_file(env, cwd)
    from_file = _flatten(read_endpoints_file(path))
    from_options = _flatten(dict(overrides or {}))

    problems: list[ConfigProblem] = []
    values: dict[str, Any] = {}
    for key, spec in CONFIG_KEYS.items():
        picked = _pick(key, spec, from_options, env, from_file, path)
        if picked is None:
            continue
        value, source = picked
        try:
            values[key] = spec.parse(value)
        except Invalid as invalid:
            problems.append(
                ConfigProblem(
                    key=key,
                    source=source,
                    shown_value="<redacted>" if spec.secret else json.dumps(value, ensure_ascii=False),
                    expected=str(invalid),
                    fix=_fix(spec, source),
                )
            )
    if problems:
        raise ConfigError(problems)

    return DataparkConfig(
        state_dir=state_dir,
        endpoints_file=path,
        postgres=PostgresConfig(
            host=values["postgres.host"],
            port=values["postgres.port"],
            database=values["postgres.database"],
            airflow_database=values["postgres.airflowDatabase"],
            roles=MappingProxyType(
                {
                    role: PostgresRole(user, values.get(f"postgres.roles.{role}.password"))
                    for role, user in POSTGRES_ROLE_USERS.items()
                }
            ),
        ),
        redis=RedisConfig(values["redis.host"], values["redis.port"], values.get("redis.password")),
        kafka=KafkaConfig(values["kafka.bootstrapServers"]),
        spark=SparkConfig(
            master_url=values["spark.masterUrl"],
            rest_url=values["spark.restUrl"],
            rest_secret=values.get("spark.restSecret"),
            ui_url=values["spark.uiUrl"],
            history_url=values["spark.historyUrl"],
            connector_jars=values.get("spark.connectorJars"),
        ),
        airflow=AirflowConfig(
            values["airflow.url"], values["airflow.username"], values.get("airflow.password")
        ),
        jupyter=JupyterConfig(values["jupyter.url"], values.get("jupyter.token")),
        monitoring=MonitoringConfig(
            prometheus_url=values["monitoring.prometheusUrl"],
            alertmanager_url=values["monitoring.alertmanagerUrl"],
            username=values["monitoring.username"],
            password=values.get("monitoring.password"),
            postgres_password=values.get("monitoring.postgresPassword"),
        ),
        s3=S3Config(
            url=values["s3.url"],
            region=values["s3.region"],
            access_key_id=values.get("s3.accessKeyId"),
            secret_access_key=values.get("s3.secretAccessKey"),
        ),
        lake=LakeConfig(values["lake.warehouse"], values.get("lake.catalogPassword")),
    )


def read_endpoints_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The endpoints file as a dict; a missing file is an empty one, a corrupt one a ConfigError."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            raise ValueError("not an object")
    except ValueError as error:
        raise ConfigError(
            [
                ConfigProblem(
                    key="endpoints file",
                    source=str(path),
                    shown_value="<unreadable>",
                    expected=f"valid JSON object ({error})",
                    fix=f"restart the platform to rewrite it (npx nx run platform:up), or delete {path}",
                )
            ]
        ) from None
    return doc


def missing_secret(config: DataparkConfig, key: str) -> ConfigError:
    """The error for a credential nobody supplied: the platform generates it, or its variable.
    Without any endpoints file the fix first says how to point at a platform that runs."""
    spec = CONFIG_KEYS[key]
    where = f"endpoints file {config.endpoints_file}"
    no_file = not config.endpoints_file.exists()
    if no_file:
        where += " (which does not exist)"
        fix = (
            "if a platform runs from a checkout, set DATAPARK_STATE_DIR to its state directory "
            "(export DATAPARK_STATE_DIR=/path/to/checkout/.datapark) or run from inside that checkout; "
            "if none runs, start one (npx nx run platform:up), which records its state directory in "
            f"{state_pointer_file()} for scripts run elsewhere; or set {spec.env}"
        )
    else:
        fix = (
            "start the platform (npx nx run platform:up), which generates it and writes the "
            f"endpoints file, or set {spec.env}"
        )
    return ConfigError(
        [
            ConfigProblem(
                key=key,
                source=where,
                shown_value="<missing>",
                expected=f"{spec.doc} is required",
                fix=fix,
            )
        ],
        "Missing Data Park credentials",
    )


def _pick(
    key: str,
    spec: KeySpec,
    overrides: Mapping[str, Any],
    env: Mapping[str, str],
    from_file: Mapping[str, Any],
    path: Path,
) -> tuple[Any, str] | None:
    if overrides.get(key) is not None:
        return _normalise(overrides[key]), "option"
    if env.get(spec.env):
        return env[spec.env], f"environment variable {spec.env}"
    if from_file.get(key) is not None:
        return _normalise(from_file[key]), f"endpoints file {path}"
    if spec.default is not None:
        return spec.default, "default"
    return None


def _normalise(value: Any) -> Any:
    # Lists (bootstrap servers) are stored as arrays but parsed from the comma-separated form.
    return ",".join(str(v) for v in value) if isinstance(value, list | tuple) else value


def _fix(spec: KeySpec, source: str) -> str:
    if source.startswith("environment"):
        return f"set {spec.env} to {spec.doc} (e.g. {spec.example}), or unset it to use the platform's value"
    if source.startswith("endpoints file"):
        return f"restart the platform (npx nx run platform:up) to rewrite it, or override with {spec.env}"
    return f"pass {spec.doc} (e.g. {spec.example})"


def _flatten(doc: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out
