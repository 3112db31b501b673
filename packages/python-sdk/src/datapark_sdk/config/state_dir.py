"""Where the platform's state and endpoints file are, found as @datapark/config finds them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

STATE_DIR_NAME = ".datapark"
ENDPOINTS_FILE_NAME = "endpoints.json"


def state_pointer_file(env: Mapping[str, str] | None = None) -> Path:
    """The user-level pointer to the state directory of the platform last started from a
    checkout: ``$XDG_STATE_HOME/datapark/current``, by default ``~/.local/state/datapark/current``
    (one line, an absolute path). The local platform writes it at ``up``."""
    env = os.environ if env is None else env
    xdg_state_home = env.get("XDG_STATE_HOME")
    # The XDG spec: a relative path in an XDG variable is invalid and is ignored.
    if xdg_state_home and os.path.isabs(xdg_state_home):
        base = Path(xdg_state_home)
    else:
        base = _home(env) / ".local" / "state"
    return base / "datapark" / "current"


def read_state_pointer(env: Mapping[str, str] | None = None) -> Path | None:
    """The state directory the pointer names; None without a pointer, for a relative path, or
    when that directory is gone."""
    try:
        target = state_pointer_file(env).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not os.path.isabs(target) or not os.path.isdir(target):
        return None
    return Path(target)


def resolve_state_dir(
    env: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> Path:
    """The first of: ``DATAPARK_STATE_DIR``; ``.datapark/`` at the root of the Data Park
    checkout that holds ``cwd`` (found by its ``nx.json``) or in the nearest directory above it
    that holds one; the directory the user-level pointer names (:func:`state_pointer_file`);
    ``~/.datapark``. A notebook, DAG or job anywhere inside the checkout finds the same platform,
    and a script outside any checkout the platform last started."""
    env = os.environ if env is None else env
    here = _absolute(cwd if cwd is not None else os.getcwd())
    if env.get("DATAPARK_STATE_DIR"):
        return _absolute(here / env["DATAPARK_STATE_DIR"])
    for directory in (here, *here.parents):
        if (directory / STATE_DIR_NAME).exists() or (directory / "nx.json").exists():
            return directory / STATE_DIR_NAME
    return read_state_pointer(env) or _home(env) / STATE_DIR_NAME


def resolve_endpoints_file(
    env: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> Path:
    """``DATAPARK_ENDPOINTS_FILE``, else ``endpoints.json`` in the state directory."""
    env = os.environ if env is None else env
    here = _absolute(cwd if cwd is not None else os.getcwd())
    if env.get("DATAPARK_ENDPOINTS_FILE"):
        return _absolute(here / env["DATAPARK_ENDPOINTS_FILE"])
    return resolve_state_dir(env, here) / ENDPOINTS_FILE_NAME


def _home(env: Mapping[str, str]) -> Path:
    return Path(env["HOME"]) if env.get("HOME") else Path.home()


def _absolute(path: str | os.PathLike[str]) -> Path:
    # Lexical, as node:path's resolve(): a symlinked state directory keeps the path it was given.
    return Path(os.path.abspath(path))
