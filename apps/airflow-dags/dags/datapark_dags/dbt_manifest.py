"""The plan of a per-model dbt DAG, read from dbt's `target/manifest.json`: which models to run,
which tests check each, and what comes before what. Pure (no Airflow, no dbt): the DAG file
renders Airflow tasks from this plan at parse time, from a manifest `dbt parse` wrote at deploy
(apps/dbt-shop/bin/manifest.sh), so parsing the DAG never runs dbt.

The shape follows astronomer-cosmos's "after each" test behaviour: one run task per model and,
when the model has tests, one test task right after it that its children wait on, so a failing
model or test stops what is built on it and nothing else. Tests on sources run first, in one
task that the models reading those sources wait on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The resource types that build something, with the dbt command that builds one of them.
BUILD_COMMANDS = {"model": "run", "seed": "seed", "snapshot": "snapshot"}
SOURCE_TESTS = "source_tests"


class ManifestError(RuntimeError):
    """The manifest is missing or not dbt's: the message names the file and how to make it."""


@dataclass(frozen=True)
class ModelStep:
    """One model (or seed, snapshot): `dbt <command> --select <name>`, then its tests."""

    name: str
    unique_id: str
    command: str
    #: False for an ephemeral model: nothing to build, only its tests run.
    builds: bool
    #: Test node names (data and unit tests) that check this model once it is built.
    tests: tuple[str, ...]
    #: Names of the steps (or SOURCE_TESTS) this one waits on.
    upstream: tuple[str, ...]


@dataclass(frozen=True)
class DbtPlan:
    project_name: str
    steps: tuple[ModelStep, ...]
    source_tests: tuple[str, ...]
    #: Tests over several models none of which comes after the others: a task of their own,
    #: keyed by its name, with (test names, the models it waits on).
    shared_tests: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)

    def step(self, name: str) -> ModelStep:
        return next(s for s in self.steps if s.name == name)


def load_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ManifestError(
            f"no dbt manifest at {path}: make it with `npx nx run dbt-shop:manifest` "
            "(dbt parse; the local platform's `up` does it when .venv-dbt is there)"
        )
    manifest = json.loads(path.read_text())
    if "nodes" not in manifest or "metadata" not in manifest:
        raise ManifestError(f"{path} is not a dbt manifest (no nodes/metadata): run dbt parse again")
    return manifest


def _ancestors(uid: str, parents: Mapping[str, tuple[str, ...]], seen: set[str] | None = None) -> set[str]:
    seen = set() if seen is None else seen
    for parent in parents.get(uid, ()):
        if parent not in seen:
            seen.add(parent)
            _ancestors(parent, parents, seen)
    return seen


def plan_from_manifest(manifest: Mapping[str, Any]) -> DbtPlan:
    """The steps of the manifest's own project (not of installed packages), in dbt's order."""
    project = manifest["metadata"]["project_name"]
    nodes = manifest["nodes"]
    built = {
        uid: node
        for uid, node in nodes.items()
        if node["resource_type"] in BUILD_COMMANDS and node["package_name"] == project
    }
    parents = {uid: tuple(node["depends_on"]["nodes"]) for uid, node in built.items()}

    tests_of: dict[str, list[str]] = {uid: [] for uid in built}
    source_tests: list[str] = []
    shared: dict[str, list[str]] = {}
    checks = [n for n in nodes.values() if n["resource_type"] == "test" and n["package_name"] == project]
    checks += [t for t in manifest.get("unit_tests", {}).values() if t["package_name"] == project]
    for test in checks:
        on = [uid for uid in test["depends_on"]["nodes"] if uid in built]
        if not test["depends_on"]["nodes"]:
            continue  # a test of a disabled model
        if not on:
            source_tests.append(test["name"])
            continue
        # The test runs after the last of its models: the one all others are ancestors of.
        last = [m for m in on if set(on) - {m} <= _ancestors(m, parents)]
        if last:
            tests_of[last[0]].append(test["name"])
        else:
            models = sorted(built[m]["name"] for m in on)
            shared.setdefault("tests_" + "__".join(models), []).append(test["name"])

    def after(uid: str) -> set[str]:
        """What a node waits on: its built parents (through ephemeral ones), and the source
        tests when it reads a source."""
        waits: set[str] = set()
        for parent in parents[uid]:
            if parent.startswith("source.") and source_tests:
                waits.add(SOURCE_TESTS)
            elif parent in built:
                waits.add(built[parent]["name"])
        return waits

    steps = tuple(
        ModelStep(
            name=node["name"],
            unique_id=uid,
            command=BUILD_COMMANDS[node["resource_type"]],
            builds=node["config"].get("materialized") != "ephemeral",
            tests=tuple(sorted(tests_of[uid])),
            upstream=tuple(sorted(after(uid))),
        )
        for uid, node in sorted(built.items())
    )
    return DbtPlan(
        project_name=project,
        steps=steps,
        source_tests=tuple(sorted(source_tests)),
        shared_tests={
            name: (tuple(sorted(tests)), tuple(name.removeprefix("tests_").split("__")))
            for name, tests in shared.items()
        },
    )
