"""Where the notebooks and the platform's state are, found as @datapark/config finds them."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOKS = ROOT / "apps" / "notebooks" / "notebooks"


def state_dir() -> Path:
    return Path(os.environ.get("DATAPARK_STATE_DIR", ROOT / ".datapark"))


def endpoints_file() -> Path:
    return Path(os.environ.get("DATAPARK_ENDPOINTS_FILE", state_dir() / "endpoints.json"))


def notebook_files() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))
