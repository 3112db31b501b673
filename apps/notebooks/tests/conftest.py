"""Shared fixtures: the running local platform's Jupyter set-up, found like @datapark/config does."""

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOKS = ROOT / "apps" / "notebooks"


def state_dir() -> Path:
    return Path(os.environ.get("DATAPARK_STATE_DIR", ROOT / ".datapark"))


@pytest.fixture(scope="session")
def endpoints() -> dict:
    path = Path(os.environ.get("DATAPARK_ENDPOINTS_FILE", state_dir() / "endpoints.json"))
    if not path.exists():
        pytest.fail(f"{path} is missing: start the platform first (npx nx run platform:up)")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def jupyter_env(endpoints) -> dict:
    """Environment in which nbclient finds the kernelspecs the jupyter component wrote."""
    share = state_dir() / "jupyter" / "share"
    if not (share / "kernels" / "datapark-typescript" / "kernel.json").exists():
        pytest.fail(f"no kernelspecs in {share}: start the platform (npx nx run platform:up --only jupyter)")
    env = {
        "JUPYTER_PATH": str(share),
        "JUPYTER_RUNTIME_DIR": str(state_dir() / "jupyter" / "runtime"),
        "DATAPARK_STATE_DIR": str(state_dir()),
        # The kernels import the Python SDK through the venv's .pth (tools/ci/python.sh); this
        # checkout's comes first, should the venv name another.
        "PYTHONPATH": os.pathsep.join(
            p for p in [str(ROOT / "packages" / "python-sdk" / "src"), os.environ.get("PYTHONPATH")] if p
        ),
    }
    os.environ.update(env)
    return env
