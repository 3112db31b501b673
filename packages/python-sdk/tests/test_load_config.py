"""load_config(): the endpoints file and DATAPARK_* variables, read as @datapark/config reads them."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from datapark_sdk.config import (
    ConfigError,
    load_config,
    read_state_pointer,
    resolve_state_dir,
    state_pointer_file,
)

SECRET = "s3cret-value-for-tests"


def write_endpoints(directory: Path, doc: dict) -> Path:
    path = directory / "endpoints.json"
    path.write_text(json.dumps(doc))
    return path


def test_uses_the_defaults_when_nothing_is_set(tmp_path):
    config = load_config(env={"DATAPARK_STATE_DIR": str(tmp_path)}, cwd=tmp_path)
    assert config.state_dir == tmp_path
    assert config.endpoints_file == tmp_path / "endpoints.json"
    assert config.postgres.port == 15432
    assert config.kafka.bootstrap_servers == ("127.0.0.1:19092", "127.0.0.1:19093", "127.0.0.1:19094")
    assert config.spark.rest_url == "http://127.0.0.1:16066"
    assert config.postgres.roles["spark_etl"].user == "spark_etl"
    assert config.postgres.roles["owner"].user == "datapark_owner"
    assert config.spark.rest_secret is None


def test_takes_options_over_environment_over_endpoints_file_over_defaults(tmp_path):
    write_endpoints(
        tmp_path,
        {"postgres": {"host": "file-host", "port": 1111, "database": "from_file"}, "redis": {"port": 2222}},
    )
    env = {
        "DATAPARK_STATE_DIR": str(tmp_path),
        "DATAPARK_POSTGRES_PORT": "3333",
        "DATAPARK_POSTGRES_HOST": "env",
    }
    config = load_config({"postgres": {"host": "option-host"}}, env=env, cwd=tmp_path)
    assert config.postgres.host == "option-host"
    assert config.postgres.port == 3333
    assert config.postgres.database == "from_file"
    assert config.redis.port == 2222
    assert config.redis.host == "127.0.0.1"


def test_an_empty_variable_counts_as_unset(tmp_path):
    write_endpoints(tmp_path, {"postgres": {"port": 1111}})
    config = load_config(
        env={"DATAPARK_STATE_DIR": str(tmp_path), "DATAPARK_POSTGRES_PORT": ""}, cwd=tmp_path
    )
    assert config.postgres.port == 1111


def test_reads_the_file_DATAPARK_ENDPOINTS_FILE_names(tmp_path):  # noqa: N802
    other = tmp_path / "elsewhere"
    other.mkdir()
    write_endpoints(other, {"spark": {"masterUrl": "spark://other:7077"}})
    env = {"DATAPARK_STATE_DIR": str(tmp_path), "DATAPARK_ENDPOINTS_FILE": "elsewhere/endpoints.json"}
    config = load_config(env=env, cwd=tmp_path)
    assert config.endpoints_file == other / "endpoints.json"
    assert config.spark.master_url == "spark://other:7077"


def test_finds_the_state_directory_of_the_checkout_it_runs_in(tmp_path):
    (tmp_path / "nx.json").write_text("{}")
    deep = tmp_path / "apps" / "notebooks"
    deep.mkdir(parents=True)
    assert resolve_state_dir(env={}, cwd=deep) == tmp_path / ".datapark"
    assert resolve_state_dir(env={"DATAPARK_STATE_DIR": "state"}, cwd=deep) == deep / "state"


def point(env: dict, target: Path | str) -> None:
    """Writes the user-level pointer, as `up` does."""
    pointer = state_pointer_file(env)
    pointer.parent.mkdir(parents=True, exist_ok=True)
    pointer.write_text(f"{target}\n")


def test_the_pointer_lives_under_xdg_state_home_by_default_in_local_state():
    assert state_pointer_file({"HOME": "/home/ada"}) == Path("/home/ada/.local/state/datapark/current")
    assert state_pointer_file({"HOME": "/home/ada", "XDG_STATE_HOME": "/var/s"}) == Path(
        "/var/s/datapark/current"
    )
    # A relative XDG variable is invalid (the spec says to ignore it).
    assert state_pointer_file({"HOME": "/home/ada", "XDG_STATE_HOME": "s"}) == Path(
        "/home/ada/.local/state/datapark/current"
    )


def test_outside_a_checkout_the_pointer_finds_the_platform_after_the_variable_and_the_checkout(tmp_path):
    home, checkout, elsewhere = tmp_path / "home", tmp_path / "checkout", tmp_path / "scripts"
    for directory in (home, checkout / "lab", elsewhere):
        directory.mkdir(parents=True)
    (checkout / "nx.json").write_text("{}")
    (checkout / ".datapark").mkdir()
    env = {"HOME": str(home)}
    assert resolve_state_dir(env, elsewhere) == home / ".datapark"
    point(env, checkout / ".datapark")
    assert resolve_state_dir(env, elsewhere) == checkout / ".datapark"
    other = tmp_path / "other-state"
    other.mkdir()
    point(env, other)
    assert resolve_state_dir(env, checkout / "lab") == checkout / ".datapark"
    assert (
        resolve_state_dir({**env, "DATAPARK_STATE_DIR": str(tmp_path / "mine")}, elsewhere)
        == tmp_path / "mine"
    )
    other.rmdir()
    assert read_state_pointer(env) is None
    assert resolve_state_dir(env, elsewhere) == home / ".datapark"


def test_a_missing_endpoints_file_names_the_key_the_variable_and_the_fix(tmp_path):
    config = load_config(env={"DATAPARK_STATE_DIR": str(tmp_path)}, cwd=tmp_path)
    with pytest.raises(ConfigError) as missing:
        config.postgres_login("spark_etl")
    message = str(missing.value)
    assert message.startswith("Missing Data Park credentials:\n")
    assert "postgres.roles.spark_etl.password = <missing>" in message
    assert f"endpoints file {tmp_path / 'endpoints.json'} (which does not exist)" in message
    # No endpoints file: the fix first says how to point at a platform that runs elsewhere.
    assert "set DATAPARK_STATE_DIR to its state directory" in message
    assert "start one (npx nx run platform:up)" in message
    assert "or set DATAPARK_POSTGRES_SPARK_ETL_PASSWORD" in message
    assert [p.key for p in missing.value.problems] == ["postgres.roles.spark_etl.password"]


def test_a_key_missing_from_the_endpoints_file_names_the_key_and_the_fix(tmp_path):
    write_endpoints(tmp_path, {"postgres": {"roles": {"analyst": {"password": SECRET}}}})
    config = load_config(env={"DATAPARK_STATE_DIR": str(tmp_path)}, cwd=tmp_path)
    assert config.postgres_login("analyst").password == SECRET
    with pytest.raises(ConfigError, match=r"postgres\.roles\.ingest\.password = <missing>") as missing:
        config.postgres_login("ingest")
    assert "(which does not exist)" not in str(missing.value)
    assert "or set DATAPARK_POSTGRES_INGEST_PASSWORD" in str(missing.value)


def test_a_variable_supplies_a_credential_the_file_lacks(tmp_path):
    env = {"DATAPARK_STATE_DIR": str(tmp_path), "DATAPARK_POSTGRES_SPARK_ETL_PASSWORD": "p@ss/word:1"}
    login = load_config(env=env, cwd=tmp_path).postgres_login("spark_etl")
    assert login.jdbc_url == "jdbc:postgresql://127.0.0.1:15432/datapark"
    assert login.url == "postgres://spark_etl:p%40ss%2Fword%3A1@127.0.0.1:15432/datapark"


def test_reports_every_bad_value_at_once_with_the_key_the_value_and_the_fix(tmp_path):
    write_endpoints(tmp_path, {"kafka": {"bootstrapServers": ["broker-without-port"]}})
    env = {
        "DATAPARK_STATE_DIR": str(tmp_path),
        "DATAPARK_POSTGRES_PORT": "abc",
        "DATAPARK_SPARK_REST_URL": "not a url",
    }
    with pytest.raises(ConfigError) as invalid:
        load_config(env=env, cwd=tmp_path)
    assert sorted(p.key for p in invalid.value.problems) == [
        "kafka.bootstrapServers",
        "postgres.port",
        "spark.restUrl",
    ]
    message = str(invalid.value)
    assert message.startswith("Invalid Data Park configuration:\n")
    assert (
        '  - postgres.port = "abc" (from environment variable DATAPARK_POSTGRES_PORT): '
        "expected a port number.\n"
        "    Fix: set DATAPARK_POSTGRES_PORT to PostgreSQL port (e.g. 15432), or unset it to use the "
        "platform's value"
    ) in message
    assert 'spark.restUrl = "not a url"' in message
    assert (
        'kafka.bootstrapServers = "broker-without-port" '
        f"(from endpoints file {tmp_path / 'endpoints.json'}): "
        "expected host:port.\n    Fix: restart the platform (npx nx run platform:up) to rewrite it, or "
        "override with DATAPARK_KAFKA_BOOTSTRAP_SERVERS"
    ) in message


def test_gives_the_object_store_keys_or_names_the_missing_one(tmp_path):
    write_endpoints(tmp_path, {"s3": {"accessKeyId": "DPKEYID0000000000001"}})
    config = load_config(env={"DATAPARK_STATE_DIR": str(tmp_path)}, cwd=tmp_path)
    assert config.s3.url == "http://127.0.0.1:17070"
    assert config.s3.region == "us-east-1"
    with pytest.raises(ConfigError, match=r"s3\.secretAccessKey = <missing>") as missing:
        config.s3_keys()
    assert "or set DATAPARK_S3_SECRET_ACCESS_KEY" in str(missing.value)
    env = {"DATAPARK_STATE_DIR": str(tmp_path), "DATAPARK_S3_SECRET_ACCESS_KEY": SECRET}
    config = load_config(env=env, cwd=tmp_path)
    assert config.s3_keys() == ("DPKEYID0000000000001", SECRET)
    assert "DPKEYID0000000000001" not in repr(config)
    assert SECRET not in repr(config)


def test_never_shows_a_secret(tmp_path):
    with pytest.raises(ConfigError) as invalid:
        load_config(
            env={"DATAPARK_STATE_DIR": str(tmp_path), "DATAPARK_REDIS_PASSWORD": "short"}, cwd=tmp_path
        )
    assert "redis.password = <redacted>" in str(invalid.value)
    assert "short" not in str(invalid.value)
    write_endpoints(
        tmp_path,
        {"postgres": {"roles": {"analyst": {"password": SECRET}}}, "spark": {"restSecret": "A" * 43}},
    )
    config = load_config(env={"DATAPARK_STATE_DIR": str(tmp_path)}, cwd=tmp_path)
    assert SECRET not in repr(config)
    assert "A" * 43 not in repr(config)
    assert SECRET not in repr(config.postgres_login("analyst"))


def test_reports_a_corrupt_endpoints_file_with_its_path_and_the_fix(tmp_path):
    (tmp_path / "endpoints.json").write_text("{ not json")
    with pytest.raises(ConfigError, match=r"endpoints\.json.*\n.*Fix: restart the platform"):
        load_config(env={"DATAPARK_STATE_DIR": str(tmp_path)}, cwd=tmp_path)


def test_the_config_is_frozen(tmp_path):
    config = load_config(env={"DATAPARK_STATE_DIR": str(tmp_path)}, cwd=tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.postgres.port = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.postgres.roles["analyst"] = None  # type: ignore[index]


def test_reads_the_running_platform(platform_config):
    assert platform_config.endpoints_file.exists()
    assert platform_config.postgres_login("spark_etl").password
    assert platform_config.spark.rest_url.startswith("http://")
