"""datapark_sdk.pyspark_kernel: the PySpark kernel finds the platform's Spark configuration when
it starts, from the notebook's directory or DATAPARK_STATE_DIR, as load_config finds the state."""

from __future__ import annotations

from datapark_sdk.pyspark_kernel import spark_environment


def test_spark_reads_the_spark_defaults_of_the_checkout_holding_the_notebook(tmp_path):
    (tmp_path / "nx.json").write_text("{}")
    notebooks = tmp_path / "apps" / "notebooks" / "notebooks"
    notebooks.mkdir(parents=True)
    env = spark_environment({}, notebooks, python="/venv/bin/python")
    assert env == {
        "SPARK_CONF_DIR": str(tmp_path / ".datapark" / "spark" / "conf"),
        "PYSPARK_PYTHON": "/venv/bin/python",
        "PYSPARK_DRIVER_PYTHON": "/venv/bin/python",
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


def test_a_moved_state_directory_wins_over_the_checkout(tmp_path):
    (tmp_path / "nx.json").write_text("{}")
    moved = tmp_path / "elsewhere"
    env = spark_environment({"DATAPARK_STATE_DIR": str(moved)}, tmp_path, python="/p")
    assert env["SPARK_CONF_DIR"] == str(moved / "spark" / "conf")
