"""tools/ci/python-sdk.sh (run by tools/ci/python.sh) makes the SDK importable by every process
of a venv, whatever its working directory: how Airflow, Spark's drivers and Jupyter's kernels
of the local platform find it."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, SDK_SRC


def test_the_venv_imports_the_sdk_of_this_checkout_from_anywhere(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(["bash", str(ROOT / "tools" / "ci" / "python-sdk.sh"), str(venv)], check=True)
    imported = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import datapark_sdk.spark, datapark_sdk; print(datapark_sdk.__file__)",
        ],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip() == str(SDK_SRC / "datapark_sdk" / "__init__.py")
