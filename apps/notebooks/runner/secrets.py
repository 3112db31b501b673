"""What a notebook's outputs must never hold, since they are committed: the platform's
passwords, tokens and keys, URLs with a password in them, and this machine's paths (the
checkout, the state directory), which say nothing to a reader and may name a user."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from nbformat import NotebookNode

SECRET_KEY = re.compile(r"password|secret|token", re.IGNORECASE)
URL_WITH_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@\"']+:[^\s/@\"']+@")
STATE_DIR_PATH = re.compile(r"(?:/[\w.-]+)+/\.datapark\b")


def secret_values(endpoints: dict) -> dict[str, str]:
    """Every password, token and key of the endpoints file, by its dotted key."""
    found: dict[str, str] = {}

    def walk(node: object, key: str) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                walk(value, f"{key}.{name}" if key else name)
        elif isinstance(node, str) and SECRET_KEY.search(key.rsplit(".", 1)[-1]) and len(node) >= 8:
            found[key] = node

    walk(endpoints, "")
    return found


def output_texts(notebook: NotebookNode) -> Iterator[tuple[int, str]]:
    """(cell index, text) of every output: streams, errors, and each MIME type but images."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if "text" in output:
                yield index, str(output["text"])
            if "traceback" in output:
                yield index, "\n".join(output["traceback"])
            for mime, data in output.get("data", {}).items():
                if not mime.startswith("image/"):
                    yield index, data if isinstance(data, str) else json.dumps(data)


def leaks(notebook: NotebookNode, secrets: dict[str, str], paths: Iterable[Path]) -> list[str]:
    """What of the secrets, paths and patterns the outputs hold, named without the value."""
    found = []
    paths = [str(p) for p in paths if len(str(p)) > 1]
    for index, text in output_texts(notebook):
        for key, value in secrets.items():
            if value in text:
                found.append(f"cell {index}: the value of {key} from the endpoints file")
        for path in paths:
            if path in text:
                found.append(f"cell {index}: the path {path}")
        if URL_WITH_PASSWORD.search(text):
            found.append(f"cell {index}: a URL with a password in it")
        if STATE_DIR_PATH.search(text):
            found.append(f"cell {index}: a path to a .datapark state directory")
    return found
