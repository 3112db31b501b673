"""The local platform's PySpark kernel: ipykernel, with Spark pointed at the platform first.

The kernelspec ``datapark-pyspark`` (written into the venv by ``tools/ci/jupyter-kernels.sh``)
starts ``python -m datapark_sdk.pyspark_kernel -f CONNECTION_FILE``. A kernelspec's environment
is fixed when it is written, and the state directory is not known then (``DATAPARK_STATE_DIR``,
or ``.datapark/`` of the checkout holding the notebook); so this finds it when the kernel starts,
as :func:`datapark_sdk.config.load_config` does, and gives Spark its ``spark-defaults.conf``
(the master, the connector jars, event logs, a driver on loopback), then runs ipykernel as
``ipykernel_launcher`` would. The chart's kernelspec names the pod's fixed paths instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from datapark_sdk.config.state_dir import resolve_state_dir


def spark_environment(
    env: Mapping[str, str], cwd: str | os.PathLike[str], python: str = sys.executable
) -> dict[str, str]:
    """The variables a notebook's SparkSession needs to join the platform's cluster."""
    return {
        "SPARK_CONF_DIR": str(resolve_state_dir(env, cwd) / "spark" / "conf"),
        # Executors run the same Python as the driver: the venv's, with the SDK on its path.
        "PYSPARK_PYTHON": python,
        "PYSPARK_DRIVER_PYTHON": python,
        # The driver's UI (port 4040) and its block manager listen on loopback only.
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


def main() -> None:
    os.environ.update(spark_environment(os.environ, Path.cwd()))
    # As ipykernel_launcher: the working directory leaves sys.path while ipykernel loads
    # (IPython puts it back for the notebook's own imports).
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
