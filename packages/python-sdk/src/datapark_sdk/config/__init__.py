"""Endpoints and credentials, from the same endpoints file and DATAPARK_* variables as @datapark/config."""

from .config_error import ConfigError, ConfigProblem
from .load_config import DataparkConfig, PostgresLogin, load_config
from .state_dir import read_state_pointer, resolve_endpoints_file, resolve_state_dir, state_pointer_file

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "DataparkConfig",
    "PostgresLogin",
    "load_config",
    "read_state_pointer",
    "resolve_endpoints_file",
    "resolve_state_dir",
    "state_pointer_file",
]
