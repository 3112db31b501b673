"""Shared by the SDK's tests: this checkout's SDK first on sys.path, the running platform's config."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SDK_SRC = ROOT / "packages" / "python-sdk" / "src"
JOBS = Path(__file__).resolve().parent / "jobs"
# The venv's .pth (tools/ci/python.sh) may name another checkout's copy: test this one.
sys.path.insert(0, str(SDK_SRC))

from datapark_sdk.config import DataparkConfig, load_config  # noqa: E402
from datapark_sdk.spark import SparkRestClient  # noqa: E402


@pytest.fixture(scope="session")
def platform_config() -> DataparkConfig:
    """The running local platform's endpoints and credentials."""
    config = load_config(cwd=ROOT)
    if not config.spark.rest_secret:
        pytest.fail(
            f"{config.endpoints_file} has no spark.restSecret: start the platform (npx nx run platform:up)"
        )
    return config


@pytest.fixture(scope="session")
def spark(platform_config) -> SparkRestClient:
    return SparkRestClient.from_config(platform_config)
