"""Every sample notebook runs headless against the real local platform, in the kernel the venv
installed, with a chart wherever it draws one; what is committed shows its outputs and holds no
secret. A failing cell fails the test with the notebook, the cell and its error."""

import json
import re
import urllib.error
import urllib.request

import nbformat
import pytest
from runner.execute import NotebookError, execute, secrets_and_paths
from runner.paths import notebook_files
from runner.secrets import leaks

NOTEBOOK_FILES = notebook_files()
IDS = [p.stem for p in NOTEBOOK_FILES]
# Code that draws a chart: @datapark/plot in TypeScript, matplotlib in Python.
DRAWS = re.compile(r"\bplot\(\{|plt\.show\(\)|display\(fig")
# What a notebook prints when the platform holds no shop yet: never in a committed output.
EMPTY_SHOP = re.compile(r"has no sales yet|no orders in source yet")


def plot_cells(notebook):
    return [(i, c) for i, c in enumerate(notebook.cells) if "plot" in c.metadata.get("tags", [])]


# What a chart may be in a committed notebook: every reader's viewer shows one of these.
IMAGE_TYPES = ("image/png", "image/svg+xml")


def has_image(cell) -> bool:
    return any(mime in output.get("data", {}) for output in cell.get("outputs", []) for mime in IMAGE_TYPES)


def figure_as_text(output) -> bool:
    """A figure displayed without an image: `<Figure size 600x300 with 1 Axes>` and nothing else."""
    data = output.get("data", {})
    as_text = str(data.get("text/plain", "")).startswith("<Figure size")
    return as_text and not any(m in data for m in IMAGE_TYPES)


def texts(cell) -> str:
    return "\n".join(
        str(o.get("text", "")) + json.dumps(o.get("data", {}).get("text/plain", ""))
        for o in cell.get("outputs", [])
    )


def test_there_are_notebooks_for_both_kernels():
    kernels = {nbformat.read(p, as_version=4).metadata["kernelspec"]["name"] for p in NOTEBOOK_FILES}
    assert {"datapark-typescript", "datapark-pyspark"} <= kernels, f"kernels used: {kernels}"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=IDS)
def test_every_cell_that_draws_is_tagged_plot(path):
    notebook = nbformat.read(path, as_version=4)
    drawing = {i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and DRAWS.search(c.source)}
    assert drawing, f"{path.name} draws no chart"
    assert drawing == {i for i, _ in plot_cells(notebook)}, "cells that draw, and cells tagged plot"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=IDS)
def test_the_committed_notebook_shows_its_outputs_and_holds_no_secret(path):
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), (
        f"{path.name}: run `npx nx run notebooks:execute -- {path.stem}`"
    )
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == [], f"{path.name} was committed with an error"
    assert [i for i, c in plot_cells(notebook) if not has_image(c)] == [], (
        f"cells tagged plot without an image ({' or '.join(IMAGE_TYPES)})"
    )
    assert not any(EMPTY_SHOP.search(texts(c)) for c in code), "executed on a platform with no shop"
    secrets, paths = secrets_and_paths()
    assert leaks(notebook, secrets, paths) == []


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=IDS)
def test_notebook_runs_headless_and_draws_its_charts(path, shop):
    try:
        notebook = execute(path)
    except NotebookError as error:
        pytest.fail(str(error), pytrace=False)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code), "every code cell ran"
    missing = [i for i, c in plot_cells(notebook) if not has_image(c)]
    assert missing == [], (
        f"cells {missing} draw no image ({' or '.join(IMAGE_TYPES)}): "
        f"{[texts(notebook.cells[i])[:200] for i in missing]}"
    )
    text_only = [i for i, c in enumerate(notebook.cells) for o in c.get("outputs", []) if figure_as_text(o)]
    assert text_only == [], f"cells {text_only} show a matplotlib figure as text, not as an image"
    assert not any(EMPTY_SHOP.search(texts(c)) for c in code), f"the shop fixture made days {shop['days']}"
    secrets, paths = secrets_and_paths()
    assert leaks(notebook, secrets, paths) == []


def test_jupyter_refuses_requests_without_the_token(endpoints):
    url = endpoints["jupyter"]["url"] + "/api/status"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 403


def test_jupyter_serves_both_kernels_with_the_token(endpoints):
    request = urllib.request.Request(
        endpoints["jupyter"]["url"] + "/api/kernelspecs",
        headers={"Authorization": f"token {endpoints['jupyter']['token']}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        specs = json.load(response)["kernelspecs"]
    assert {"datapark-typescript", "datapark-pyspark"} <= set(specs)
