"""The Python SDK and the TypeScript SDKs agree: the same keys, variables, defaults and error
messages as @datapark/config, and the same signature as @datapark/spark-client, byte for byte.
The TypeScript side runs from the packages' builds (dist/), which nx builds before this test."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import ROOT
from datapark_sdk.config import ConfigError, load_config
from datapark_sdk.config.keys import CONFIG_KEYS
from datapark_sdk.spark import rest_authorization


def node(script: str, env: dict[str, str] | None = None) -> str:
    """Runs an ES module script with the workspace's builds importable; returns its stdout."""
    executable = shutil.which("node")
    if not executable:
        pytest.fail("node is not on PATH: . tools/ci/node.sh")
    for package in ("config", "spark-client"):
        if not (ROOT / "packages" / package / "dist" / "index.js").exists():
            pytest.fail(f"packages/{package}/dist is missing: npx nx run {package}:build")
    result = subprocess.run(
        [executable, "--input-type=module", "-e", script],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


CONFIG = "import * as config from './packages/config/dist/index.js';"


def test_every_key_has_the_variable_default_and_wording_of_datapark_config():
    typescript = json.loads(
        node(
            CONFIG + "console.log(JSON.stringify(Object.fromEntries(Object.entries(config.CONFIG_KEYS).map("
            "([key, s]) => [key, { env: s.env, default: s.default ?? null, secret: !!s.secret, "
            "doc: s.doc, example: s.example }]))));"
        )
    )
    python = {
        key: {
            "env": spec.env,
            "default": spec.default,
            "secret": spec.secret,
            "doc": spec.doc,
            "example": spec.example,
        }
        for key, spec in CONFIG_KEYS.items()
    }
    assert python == typescript


BAD_VALUES = {
    "DATAPARK_POSTGRES_PORT": "abc",
    "DATAPARK_REDIS_PORT": "-1.5",
    "DATAPARK_POSTGRES_DATABASE": "Not-An-Identifier",
    "DATAPARK_KAFKA_BOOTSTRAP_SERVERS": "a, b:1,c",
    "DATAPARK_SPARK_MASTER_URL": "http://master:7077",
    "DATAPARK_SPARK_REST_URL": "not a url",
    "DATAPARK_SPARK_REST_SECRET": "too-short",
    "DATAPARK_SPARK_CONNECTOR_JARS": "relative/jars",
    "DATAPARK_AIRFLOW_PASSWORD": "short",
}


def test_bad_values_get_the_message_datapark_config_gives(tmp_path):
    env = {"DATAPARK_STATE_DIR": str(tmp_path), **BAD_VALUES}
    typescript = node(CONFIG + "try { config.loadConfig(); } catch (e) { console.log(e.message); }", env)
    with pytest.raises(ConfigError) as python:
        load_config(env=env, cwd=ROOT)
    assert str(python.value) == typescript.rstrip("\n")


def test_a_missing_credential_gets_the_message_datapark_config_gives(tmp_path):
    (tmp_path / "endpoints.json").write_text("{}")
    env = {"DATAPARK_STATE_DIR": str(tmp_path)}
    typescript = node(
        CONFIG
        + "try { config.postgresUrl(config.loadConfig(), 'analyst'); } catch (e) { console.log(e.message); }",
        env,
    )
    with pytest.raises(ConfigError) as python:
        load_config(env=env, cwd=ROOT).postgres_login("analyst")
    assert str(python.value) == typescript.rstrip("\n")


def test_no_endpoints_file_gets_the_message_datapark_config_gives(tmp_path, monkeypatch):
    # The message names the user-level pointer, found from this process's HOME on both sides.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    env = {"DATAPARK_STATE_DIR": str(tmp_path / "nothing-here"), "HOME": str(tmp_path)}
    typescript = node(
        CONFIG
        + "try { config.postgresUrl(config.loadConfig(), 'lab'); } catch (e) { console.log(e.message); }",
        env,
    )
    with pytest.raises(ConfigError) as python:
        load_config(env=env, cwd=ROOT).postgres_login("lab")
    assert "DATAPARK_STATE_DIR" in typescript
    assert str(python.value) == typescript.rstrip("\n")


def test_signs_as_spark_client_does_for_the_same_key_and_time():
    secret = "dGhpcyBpcyBhIDMyLWJ5dGUga2V5IGZvciB0ZXN0aW5nIQ"
    at = 1_767_225_600
    typescript = node(
        "import { restAuthorization } from './packages/spark-client/dist/index.js';"
        f"console.log(restAuthorization('{secret}', {at * 1000}));"
    ).strip()
    assert rest_authorization(secret, now=at) == typescript


LAKE_ENV = {
    "DATAPARK_LAKE_CATALOG_PASSWORD": "catalog-password-for-the-test",
    "DATAPARK_S3_ACCESS_KEY_ID": "DPTESTKEYID000000000",
    "DATAPARK_S3_SECRET_ACCESS_KEY": "s3-secret-for-the-test",
    "DATAPARK_POSTGRES_PORT": "25432",
}


def test_the_lake_catalog_settings_are_those_of_lake_spark_conf(tmp_path):
    from datapark_sdk.config import lake_spark_conf

    env = {"DATAPARK_STATE_DIR": str(tmp_path), **LAKE_ENV}
    typescript = json.loads(
        node(CONFIG + "console.log(JSON.stringify(config.lakeSparkConf(config.loadConfig())));", env)
    )
    python = dict(lake_spark_conf(load_config(env=env, cwd=ROOT)))
    assert python == typescript
    assert (
        python["spark.sql.catalog.lake.uri"]
        == "jdbc:postgresql://127.0.0.1:25432/datapark?currentSchema=iceberg"
    )
    assert python["spark.sql.catalog.lake.warehouse"] == "s3://lake/warehouse"


def test_the_lake_catalog_settings_name_a_missing_password_and_its_fix(tmp_path):
    from datapark_sdk.config import lake_spark_conf

    env = {"DATAPARK_STATE_DIR": str(tmp_path), **LAKE_ENV}
    del env["DATAPARK_LAKE_CATALOG_PASSWORD"]
    missing = r"(?s)lake\.catalogPassword = <missing>.*set DATAPARK_LAKE_CATALOG_PASSWORD"
    with pytest.raises(ConfigError, match=missing):
        lake_spark_conf(load_config(env=env, cwd=ROOT))


def test_spark_redacts_every_secret_key_of_the_lake_catalog_settings(tmp_path):
    import re

    from datapark_sdk.config import LAKE_REDACTION_REGEX, lake_spark_conf

    env = {"DATAPARK_STATE_DIR": str(tmp_path), **LAKE_ENV}
    conf = lake_spark_conf(load_config(env=env, cwd=ROOT))
    secrets = set(LAKE_ENV.values()) - {"25432"}
    # Spark redacts a property whose key (or value) matches spark.redaction.regex.
    shown = {
        key for key, value in conf.items() if value in secrets and not re.search(LAKE_REDACTION_REGEX, key)
    }
    assert shown == set()
    assert {value for value in conf.values() if value in secrets} == secrets


def test_a_pyspark_request_is_the_one_spark_client_builds():
    # Airflow's DAGs submit through this SDK, the CLIs through @datapark/spark-client: the same
    # submission must start the same driver (classpath, C1-only JVM, master, deploy mode).
    from datapark_sdk.spark import SparkRestClient

    options = {
        "rest_url": "http://127.0.0.1:16066",
        "master_url": "spark://127.0.0.1:17077",
        "connector_jars": "/opt/jars",
    }
    typescript = json.loads(
        node(
            "import { SparkRestClient } from './packages/spark-client/dist/index.js';"
            "const spark = new SparkRestClient({ restUrl: 'http://127.0.0.1:16066',"
            " masterUrl: 'spark://127.0.0.1:17077', uiUrl: 'http://127.0.0.1:18080',"
            " connectorJars: '/opt/jars' });"
            "console.log(JSON.stringify(spark.pythonRequest({ file: '/abs/job.py', name: 'job',"
            " args: ['--date', '2026-01-02'], conf: { 'spark.sql.shuffle.partitions': '2' } })));"
        )
    )
    python = SparkRestClient(**options).python_request(
        file="/abs/job.py",
        name="job",
        args=["--date", "2026-01-02"],
        conf={"spark.sql.shuffle.partitions": "2"},
    )
    assert python["sparkProperties"] == typescript["sparkProperties"]
    assert python["sparkProperties"]["spark.driver.extraJavaOptions"] == "-XX:TieredStopAtLevel=1"
    assert python["sparkProperties"]["spark.driver.memory"] == "512m"
    assert python["appArgs"] == typescript["appArgs"]
