"""Endpoints and credentials, from the same endpoints file and DATAPARK_* variables as @datapark/config."""

from .config_error import ConfigError, ConfigProblem
from .load_config import DataparkConfig, PostgresLogin, load_config
from .state_dir import resolve_endpoints_file, resolve_state_dir

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "DataparkConfig",
    "PostgresLogin",
    "load_config",
    "resolve_endpoints_file",
    "resolve_state_dir",
]
