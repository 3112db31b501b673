"""The kernelspecs live in the venv, where `jupyter nbconvert --execute` and nbclient find them
with no JUPYTER_PATH; `npx nx run notebooks:execute -- NAME` runs a notebook in place and keeps
every output a Deno cell publishes, even after the cell reported done; the secret check finds what
must not be committed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from runner.execute import NotebookError, execute
from runner.paths import NOTEBOOKS, ROOT
from runner.secrets import leaks, secret_values

KERNELS = {"datapark-typescript", "datapark-pyspark"}


def test_jupyter_finds_both_kernels_in_the_venv_without_jupyter_path():
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_PATH"}
    listed = subprocess.run(
        [str(Path(sys.prefix) / "bin" / "jupyter"), "kernelspec", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    specs = json.loads(listed.stdout)["kernelspecs"]
    assert KERNELS <= set(specs), f"kernels found: {sorted(specs)}; install them: bash tools/ci/python.sh"
    for name in KERNELS:
        kernels = Path(sys.prefix).resolve() / "share" / "jupyter" / "kernels"
        assert Path(specs[name]["resource_dir"]).resolve().parent == kernels


def test_the_install_script_writes_kernelspecs_that_name_no_state_directory(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    subprocess.run(
        ["bash", str(ROOT / "tools" / "ci" / "jupyter-kernels.sh"), str(venv)],
        check=True,
        capture_output=True,
    )
    typescript = json.loads((venv / "share/jupyter/kernels/datapark-typescript/kernel.json").read_text())
    pyspark = json.loads((venv / "share/jupyter/kernels/datapark-pyspark/kernel.json").read_text())
    assert typescript["argv"] == [
        str(ROOT / "node_modules/@deno/linux-x64-glibc/deno"),
        "jupyter",
        "--kernel",
        "--conn",
        "{connection_file}",
    ]
    assert pyspark["argv"] == [
        str(venv / "bin/python"),
        "-m",
        "datapark_sdk.pyspark_kernel",
        "-f",
        "{connection_file}",
    ]
    assert ".datapark" not in json.dumps([typescript, pyspark])


def test_execute_names_the_notebooks_when_one_is_unknown():
    result = subprocess.run(
        [sys.executable, "-m", "runner.execute", "no-such-notebook"],
        cwd=NOTEBOOKS.parent,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "no notebook 'no-such-notebook'" in result.stderr
    assert "postgres-kysely" in result.stderr


def test_the_secret_check_finds_passwords_urls_and_paths():
    endpoints = {
        "postgres": {"roles": {"analyst": {"password": "s3cr3t-pa55word"}}},
        "jupyter": {"token": "t0ken-t0ken"},
    }
    secrets = secret_values(endpoints)
    assert secrets == {"postgres.roles.analyst.password": "s3cr3t-pa55word", "jupyter.token": "t0ken-t0ken"}
    notebook = new_notebook(
        cells=[
            new_code_cell("1", outputs=[new_output("stream", name="stdout", text="fine: 42 orders")]),
            new_code_cell("2", outputs=[new_output("stream", name="stderr", text="login s3cr3t-pa55word")]),
            new_code_cell(
                "3",
                outputs=[
                    new_output("execute_result", data={"text/plain": "postgres://analyst:x@127.0.0.1/db"})
                ],
            ),
            new_code_cell(
                "4", outputs=[new_output("error", ename="E", evalue="", traceback=["/home/me/.datapark/x"])]
            ),
        ]
    )
    assert leaks(nbformat.from_dict(notebook), secrets, [Path("/home/me")]) == [
        "cell 1: the value of postgres.roles.analyst.password from the endpoints file",
        "cell 2: a URL with a password in it",
        "cell 3: the path /home/me",
        "cell 3: a path to a .datapark state directory",
    ]


TYPESCRIPT = {"name": "datapark-typescript", "display_name": "TypeScript", "language": "typescript"}
CHART_SETUP = """import { plot } from '@datapark/plot';
const values = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ day: `2026-11-2${d}`, revenue: 1000 + 137.5 * d }));
const spec = { data: { values }, mark: 'bar', width: 420, height: 200, encoding: {
  x: { field: 'day', type: 'ordinal' }, y: { field: 'revenue', type: 'quantitative' } } } as const;"""
CHART_CELL = "console.log(`${values.length} days`);\nawait Deno.jupyter.display(await plot(spec));"


def run_typescript(tmp_path, *sources: str):
    """Executes the cells in a notebook of their own with the runner, as `notebooks:execute` does."""
    path = tmp_path / "cells.ipynb"
    notebook = new_notebook(cells=[new_code_cell(s) for s in sources], metadata={"kernelspec": TYPESCRIPT})
    nbformat.write(notebook, path)
    return execute(path).cells


def output_kinds(cell) -> list[str]:
    return [o.get("name") or next(iter(o.get("data", {})), o.output_type) for o in cell.outputs]


def test_a_failing_cell_is_reported_error_first_with_what_it_printed_before(tmp_path):
    failing = "\n".join(
        [
            "console.log('  5 s  run queued');",
            "console.log(' 65 s  run running');",
            "throw new Error('the run ended failed');",
        ]
    )
    with pytest.raises(NotebookError) as raised:
        run_typescript(tmp_path, "const a = 1;", failing)
    first, *rest = str(raised.value).split("\n")
    assert first == "cells.ipynb (datapark-typescript): a cell failed: Error: the run ended failed"
    assert rest[:2] == ["  printed:   5 s  run queued", "  printed:  65 s  run running"]


def test_the_runner_keeps_what_deno_publishes_after_a_cell_reports_done(tmp_path):
    # Deno's kernel publishes a cell's outputs from a queue, apart from the cell's idle status
    # (runner/late_outputs.py): a 4 MB output as a cell's last makes nearly every one late.
    big = "await Deno.jupyter.display({ 'text/plain': 'cell %d:' + 'x'.repeat(4_000_000) }, { raw: true });"
    cells = run_typescript(tmp_path, *[big % i for i in range(4)])
    shown = [[o["data"]["text/plain"][:7] for o in c.outputs if "data" in o] for c in cells]
    assert shown == [[f"cell {i}:"] for i in range(4)]


def test_every_one_of_30_executions_of_a_plot_cell_shows_its_chart(tmp_path):
    cells = run_typescript(tmp_path, CHART_SETUP, *[CHART_CELL] * 30)
    assert [output_kinds(c) for c in cells[1:]] == [["stdout", "image/png"]] * 30
