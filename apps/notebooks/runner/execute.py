"""Executes notebooks in place, outputs kept, as a reader will see them on GitHub.

    npx nx run notebooks:execute -- NAME [NAME ...]     (NAME: postgres-kysely or postgres-kysely.ipynb)
    npx nx run notebooks:execute -- --all

Each runs headless in the kernel its metadata names (installed in the venv by
tools/ci/python.sh), in the notebooks folder, against the running platform. A notebook is
written back only when every cell ran and no output holds a secret or a path of this machine.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import nbclient
import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbformat import NotebookNode

from runner.late_outputs import LateOutputsClient
from runner.paths import NOTEBOOKS, ROOT, endpoints_file, notebook_files, state_dir
from runner.secrets import leaks, secret_values


class NotebookError(Exception):
    """A notebook could not run, or its outputs hold what must not be committed."""


def find_notebook(name: str) -> Path:
    path = NOTEBOOKS / (name if name.endswith(".ipynb") else f"{name}.ipynb")
    if not path.is_file():
        known = ", ".join(p.stem for p in notebook_files())
        raise NotebookError(f"no notebook {name!r} in {NOTEBOOKS.relative_to(ROOT)}: one of {known}")
    return path


def execute(path: Path, timeout: int = 1200) -> NotebookNode:
    """Runs every cell of a notebook in its own kernel; raises NotebookError naming the cell."""
    notebook = nbformat.read(path, as_version=4)
    kernel = notebook.metadata["kernelspec"]["name"]
    client = LateOutputsClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel,
        record_timing=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        # The error first, then what the cell printed before it (a wait's progress says where
        # it stood), then nbclient's report with the cell's source: a CI summary keeps the top.
        raise NotebookError(
            f"{path.name} ({kernel}): a cell failed: {error.ename}: {error.evalue}\n"
            f"{printed_before_the_error(notebook)}{error}"
        ) from None
    except CellTimeoutError as error:
        raise NotebookError(f"{path.name} ({kernel}): {error}") from None
    except nbclient.exceptions.DeadKernelError as error:
        raise NotebookError(f"{path.name} ({kernel}): the kernel died: {error}") from None
    except Exception as error:
        if type(error).__name__ == "NoSuchKernel":
            raise NotebookError(
                f"{path.name} names kernel {kernel}, which is not installed: run bash tools/ci/python.sh"
            ) from None
        raise
    return notebook


def printed_before_the_error(notebook: NotebookNode, lines: int = 20) -> str:
    """The last lines the failing cell printed (its stream outputs), or nothing."""
    for cell in notebook.cells:
        outputs = cell.get("outputs", [])
        if any(o.get("output_type") == "error" for o in outputs):
            text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
            tail = text.rstrip("\n").split("\n")[-lines:] if text.strip() else []
            return "".join(f"  printed: {line}\n" for line in tail)
    return ""


def secrets_and_paths() -> tuple[dict[str, str], list[Path]]:
    """The running platform's secrets, and the paths of this checkout and its state directory."""
    endpoints = json.loads(endpoints_file().read_text()) if endpoints_file().exists() else {}
    paths = {ROOT, ROOT.resolve(), state_dir(), state_dir().resolve(), Path.home()}
    return secret_values(endpoints), sorted(paths, key=lambda p: -len(str(p)))


def check_outputs(path: Path, notebook: NotebookNode) -> None:
    secrets, paths = secrets_and_paths()
    found = leaks(notebook, secrets, paths)
    if found:
        raise NotebookError(
            f"{path.name}: its outputs hold what must not be committed:\n  " + "\n  ".join(found)
        )


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        print("notebooks: " + ", ".join(p.stem for p in notebook_files()))
        return 0 if argv else 2
    try:
        paths = notebook_files() if argv == ["--all"] else [find_notebook(name) for name in argv]
        for path in paths:
            started = time.monotonic()
            print(f"{path.name}: running", flush=True)
            notebook = execute(path)
            check_outputs(path, notebook)
            nbformat.write(notebook, path)
            print(f"{path.name}: ran in {time.monotonic() - started:.0f} s, outputs written", flush=True)
    except NotebookError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
