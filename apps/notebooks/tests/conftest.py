"""Shared fixtures: the running local platform, found like @datapark/config does, and a shop in
it for the notebooks to show."""

import json
import os
import sys
from pathlib import Path

import pytest

# The runner (apps/notebooks/runner) is what `npx nx run notebooks:execute` runs.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runner.paths import ROOT, endpoints_file  # noqa: E402
from shop import ensure_shop  # noqa: E402

# The kernels import the Python SDK through the venv's .pth (tools/ci/python.sh); this
# checkout's comes first, should the venv name another checkout's.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in [str(ROOT / "packages" / "python-sdk" / "src"), os.environ.get("PYTHONPATH")] if p
)


class Endpoints(dict):
    """The endpoints file's content. Its repr, which pytest prints for a failing test's arguments,
    names the components only: the values hold the platform's passwords and tokens."""

    def __repr__(self) -> str:
        return f"<endpoints file: {', '.join(self)}>"


@pytest.fixture(scope="session")
def endpoints() -> Endpoints:
    path = endpoints_file()
    if not path.exists():
        pytest.fail(f"{path} is missing: start the platform first (npx nx run platform:up)")
    return Endpoints(json.loads(path.read_text()))


@pytest.fixture(scope="session")
def shop(endpoints) -> dict:
    """Days of the simulated shop in source, raw and processed, made as `npm run demo` makes them
    when the platform has none; what was there is left as it is."""
    return ensure_shop(ROOT)
