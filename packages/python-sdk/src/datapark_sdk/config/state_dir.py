"""Where the platform's state and endpoints file are, found as @datapark/config finds them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

STATE_DIR_NAME = ".datapark"
ENDPOINTS_FILE_NAME = "endpoints.json"


def resolve_state_dir(
    env: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> Path:
    """``DATAPARK_STATE_DIR``, else ``.datapark/`` at the root of the Data Park checkout that
    holds ``cwd`` (found by its ``nx.json``), else ``~/.datapark``: a notebook, DAG or job
    anywhere inside the checkout finds the same platform."""
    env = os.environ if env is None else env
    here = _absolute(cwd if cwd is not None else os.getcwd())
    if env.get("DATAPARK_STATE_DIR"):
        return _absolute(here / env["DATAPARK_STATE_DIR"])
    for directory in (here, *here.parents):
        if (directory / STATE_DIR_NAME).exists() or (directory / "nx.json").exists():
            return directory / STATE_DIR_NAME
    return Path.home() / STATE_DIR_NAME


def resolve_endpoints_file(
    env: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> Path:
    """``DATAPARK_ENDPOINTS_FILE``, else ``endpoints.json`` in the state directory."""
    env = os.environ if env is None else env
    here = _absolute(cwd if cwd is not None else os.getcwd())
    if env.get("DATAPARK_ENDPOINTS_FILE"):
        return _absolute(here / env["DATAPARK_ENDPOINTS_FILE"])
    return resolve_state_dir(env, here) / ENDPOINTS_FILE_NAME


def _absolute(path: str | os.PathLike[str]) -> Path:
    # Lexical, as node:path's resolve(): a symlinked state directory keeps the path it was given.
    return Path(os.path.abspath(path))
