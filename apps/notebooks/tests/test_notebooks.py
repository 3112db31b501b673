"""Every sample notebook runs headless against the real local platform; a failing cell fails
the test with the notebook, the cell and its error."""

import urllib.error
import urllib.request

import nbclient
import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from conftest import NOTEBOOKS

NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks_for_both_kernels():
    kernels = {nbformat.read(p, as_version=4).metadata["kernelspec"]["name"] for p in NOTEBOOK_FILES}
    assert {"datapark-typescript", "datapark-pyspark"} <= kernels, f"kernels used: {kernels}"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.stem for p in NOTEBOOK_FILES])
def test_notebook_runs_headless(path, jupyter_env):
    notebook = nbformat.read(path, as_version=4)
    kernel = notebook.metadata["kernelspec"]["name"]
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name=kernel, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name} ({kernel}): a cell failed:\n{error}", pytrace=False)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert code_cells and all(c.get("execution_count") for c in code_cells), "every code cell ran"


def test_jupyter_refuses_requests_without_the_token(endpoints):
    url = endpoints["jupyter"]["url"] + "/api/status"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 403


def test_jupyter_serves_both_kernels_with_the_token(endpoints):
    import json

    request = urllib.request.Request(
        endpoints["jupyter"]["url"] + "/api/kernelspecs",
        headers={"Authorization": f"token {endpoints['jupyter']['token']}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        specs = json.load(response)["kernelspecs"]
    assert {"datapark-typescript", "datapark-pyspark"} <= set(specs)
