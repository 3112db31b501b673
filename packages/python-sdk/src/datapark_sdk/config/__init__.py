"""Endpoints and credentials, from the same endpoints file and DATAPARK_* variables as @datapark/config."""

from .config_error import ConfigError, ConfigProblem
from .lake_catalog import LAKE_CATALOG, LAKE_REDACTION_REGEX, lake_spark_conf, s3a_spark_conf
from .load_config import DataparkConfig, LakeConfig, PostgresLogin, load_config
from .state_dir import read_state_pointer, resolve_endpoints_file, resolve_state_dir, state_pointer_file

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "DataparkConfig",
    "LAKE_CATALOG",
    "LAKE_REDACTION_REGEX",
    "LakeConfig",
    "PostgresLogin",
    "lake_spark_conf",
    "load_config",
    "read_state_pointer",
    "resolve_endpoints_file",
    "resolve_state_dir",
    "s3a_spark_conf",
    "state_pointer_file",
]
