"""The Jupyter image's share of the Python lock: the packages that the roots below need, read from
the lock's own `# via` annotations (pip-compile's: each package names the locked packages that
require it), each line as the lock pins it. Only the roots are chosen here; every version is the
lock's, and a package the lock lacks cannot appear.

Usage: python3 requirements.py <requirements.lock>   prints the pinned lines, one a line
"""

import re
import sys

# What the notebook server and its PySpark kernel run: JupyterLab and the kernel (tools/python/
# requirements.in, issue 9), PySpark for client mode (issue 5) and the kernel's data-engineering
# stack that the sample notebooks import (issue 21). Left out: pytest, ruff, Airflow and its
# providers, statsd, kubernetes-validate.
ROOTS = [
    "jupyterlab",
    "ipykernel",
    "nbclient",
    "nbformat",
    "pandas",
    "matplotlib",
    "pyspark",
    "psycopg",
    "sqlalchemy",
    "confluent-kafka",
    "pyarrow",
    "duckdb",
]


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(text: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """The lock's pinned lines by name, and for each name the names it is required via."""
    pins: dict[str, str] = {}
    via: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        if re.match(r"^[A-Za-z0-9]", line):
            current = normalize(re.split(r"[=<>~!\[; ]", line, maxsplit=1)[0])
            pins[current] = line.strip()
            via[current] = set()
            continue
        match = re.match(r"^\s+#\s+(?:via\s+)?(\S.*)$", line)
        if current is None or match is None:
            continue
        parent = match.group(1).strip()
        if parent == "via" or parent.startswith("-r ") or parent.startswith("-c "):
            continue
        via[current].add(normalize(re.split(r"[\[ (]", parent, maxsplit=1)[0]))
    return pins, via


def closure(pins: dict[str, str], via: dict[str, set[str]], roots: list[str]) -> list[str]:
    missing = [root for root in roots if normalize(root) not in pins]
    if missing:
        sys.exit(f"requirements.py: not in the lock: {', '.join(missing)}")
    needed = {normalize(root) for root in roots}
    changed = True
    while changed:
        changed = False
        for name, parents in via.items():
            if name not in needed and parents & needed:
                needed.add(name)
                changed = True
    return [pins[name] for name in sorted(needed)]


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as lock:
        print("\n".join(closure(*parse(lock.read()), ROOTS)))
