"""Waits until Superset's metadata database is at the newest migration of this image's Superset,
which the init Job's provision.py applies, so the web server never starts on an empty database
(where Flask-AppBuilder would create its tables under the migrations' feet) or an older one.

Run by the web server's init container, with the environment superset_config.py reads. Exits 0
when the database is current, 1 after DATAPARK_WAIT_SECONDS (the pod then restarts it). Prints
the revisions it compares, never the database's URI.
"""

import ast
import importlib.util
import os
import runpy
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text


def _literal(tree: ast.Module, name: str):
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    return None


def migration_heads(versions: Path) -> set[str]:
    """The revisions no other migration builds on. Read from the files' `revision` and
    `down_revision` without importing them: Superset's migrations import its models, which need
    an app, and an app is what must not start before the database is migrated."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        revision = _literal(tree, "revision")
        if not revision:
            continue
        revisions.add(revision)
        down = _literal(tree, "down_revision")
        parents.update(down if isinstance(down, (tuple, list)) else [down] if down else [])
    return revisions - parents


def main() -> int:
    spec = importlib.util.find_spec("superset")
    if spec is None or spec.origin is None:
        print("wait-for-migrations: no superset package in this image", file=sys.stderr)
        return 1
    heads = migration_heads(Path(spec.origin).parent / "migrations" / "versions")
    uri = runpy.run_path(os.environ["SUPERSET_CONFIG_PATH"])["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(uri, pool_pre_ping=True)
    deadline = time.monotonic() + int(os.environ.get("DATAPARK_WAIT_SECONDS", "900"))
    while True:
        try:
            with engine.connect() as connection:
                current = {
                    row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))
                }
        except Exception as error:  # noqa: BLE001 - not reachable yet, or not migrated at all
            current = set()
            reason = type(error).__name__
        else:
            reason = f"at {sorted(current) or 'no revision'}"
        if current == heads:
            print(f"wait-for-migrations: the metadata database is at {sorted(heads)}", flush=True)
            return 0
        if time.monotonic() > deadline:
            print(
                f"wait-for-migrations: the metadata database is not at {sorted(heads)} ({reason}); "
                "see the init Job's log (kubectl logs job/<release>-superset-init)",
                file=sys.stderr,
            )
            return 1
        print(f"wait-for-migrations: waiting for {sorted(heads)} ({reason})", flush=True)
        time.sleep(5)


if __name__ == "__main__":
    sys.exit(main())
