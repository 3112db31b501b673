"""Hadoop's S3A settings for the object store (a streaming checkpoint at s3a://): from the same
config as the lake's catalog, path-style, and with every key Spark would show redacted."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from datapark_sdk.config import LAKE_REDACTION_REGEX, ConfigError, load_config, s3a_spark_conf

ENV = {
    "DATAPARK_S3_URL": "http://127.0.0.1:27070",
    "DATAPARK_S3_ACCESS_KEY_ID": "DPTESTKEYID000000000",
    "DATAPARK_S3_SECRET_ACCESS_KEY": "s3-secret-for-the-test",
}


def test_s3a_points_at_the_object_store_path_style_with_its_keys(tmp_path):
    conf = s3a_spark_conf(load_config(env={"DATAPARK_STATE_DIR": str(tmp_path), **ENV}, cwd=ROOT))
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:27070"
    assert conf["spark.hadoop.fs.s3a.path.style.access"] == "true"
    assert conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "false"
    assert conf["spark.hadoop.fs.s3a.endpoint.region"] == "us-east-1"
    assert conf["spark.hadoop.fs.s3a.access.key"] == ENV["DATAPARK_S3_ACCESS_KEY_ID"]
    assert conf["spark.hadoop.fs.s3a.secret.key"] == ENV["DATAPARK_S3_SECRET_ACCESS_KEY"]
    https = {**ENV, "DATAPARK_S3_URL": "https://s3.eu-west-1.amazonaws.com"}
    conf = s3a_spark_conf(load_config(env={"DATAPARK_STATE_DIR": str(tmp_path), **https}, cwd=ROOT))
    assert conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "true"


def test_spark_redacts_both_keys(tmp_path):
    conf = s3a_spark_conf(load_config(env={"DATAPARK_STATE_DIR": str(tmp_path), **ENV}, cwd=ROOT))
    assert conf["spark.redaction.regex"] == LAKE_REDACTION_REGEX
    secrets = {ENV["DATAPARK_S3_ACCESS_KEY_ID"], ENV["DATAPARK_S3_SECRET_ACCESS_KEY"]}
    holding = {key for key, value in conf.items() if value in secrets}
    assert len(holding) == 2
    assert all(re.search(LAKE_REDACTION_REGEX, key) for key in holding)


def test_missing_keys_are_named_with_their_fix(tmp_path):
    env = {"DATAPARK_STATE_DIR": str(tmp_path), **ENV}
    del env["DATAPARK_S3_SECRET_ACCESS_KEY"]
    with pytest.raises(ConfigError, match=r"s3\.secretAccessKey"):
        s3a_spark_conf(load_config(env=env, cwd=ROOT))
