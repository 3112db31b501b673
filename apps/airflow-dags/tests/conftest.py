"""Shared by the DAG tests: an isolated AIRFLOW_HOME for parsing, and the real platform's endpoints."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DAGS = ROOT / "apps" / "airflow-dags" / "dags"
# The SDK's test DAGs: the local platform parses them from a bundle of their own (`test-dags`).
TEST_DAGS = ROOT / "packages" / "airflow-client" / "test" / "dags"
# The lab's example DAG (the `lab` bundle is lab/dags; the learner's own DAGs there are theirs).
LAB_EXAMPLE_DAG = ROOT / "lab" / "dags" / "lab_first_dag.py"

# Parsing DAGs imports airflow, which reads AIRFLOW_HOME at import: point it at a throw-away
# directory first, so a test never writes ~/airflow nor touches the platform's metadata.
_home = tempfile.mkdtemp(prefix="airflow-dags-tests-")
atexit.register(shutil.rmtree, _home, ignore_errors=True)
os.environ["AIRFLOW_HOME"] = _home
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_home}/airflow.db"
# The dag-processor puts the DAG bundle's folder on sys.path (for datapark_dags); so do we. The
# Python SDK is on the venv's path (tools/ci/python.sh writes a .pth naming the checkout's
# packages/python-sdk/src); put this checkout's first, should the venv name another.
sys.path[:0] = [str(DAGS), str(ROOT / "packages" / "python-sdk" / "src")]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`npm test` runs the files tools/scripts/alone-tests.json lists (they restart shared
    components) alone, the others with every project's tests: DATAPARK_TEST_SET=shared leaves
    every listed file out, =alone keeps only the alone ones (less the timed ones), =timed and
    =cluster only those of timed-tests.json and own-cluster-tests.json; unset, every test runs
    (as jest.preset.js does)."""
    wanted = os.environ.get("DATAPARK_TEST_SET")
    if not wanted:
        return
    scripts = ROOT / "tools" / "scripts"
    lists = {
        name: set(json.loads((scripts / f"{file}.json").read_text()))
        for name, file in (
            ("alone", "alone-tests"),
            ("timed", "timed-tests"),
            ("cluster", "own-cluster-tests"),
        )
    }
    picks = {
        "shared": None,
        "alone": lists["alone"] - lists["timed"],
        "timed": lists["timed"],
        "cluster": lists["cluster"],
    }
    if wanted not in picks:
        raise pytest.UsageError(
            f'DATAPARK_TEST_SET = "{wanted}" is not a set of test files: set it to shared, timed, '
            "alone or cluster, or unset it for every file"
        )
    listed = lists["alone"] | lists["cluster"]
    keep, drop = [], []
    for item in items:
        path = item.path.resolve().relative_to(ROOT).as_posix()
        picked = path not in listed if wanted == "shared" else path in picks[wanted]
        (keep if picked else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def state_dir() -> Path:
    return Path(os.environ.get("DATAPARK_STATE_DIR", ROOT / ".datapark"))


@pytest.fixture(scope="session")
def endpoints() -> dict:
    """The endpoints file the platform wrote at `up` (credentials included)."""
    path = Path(os.environ.get("DATAPARK_ENDPOINTS_FILE", state_dir() / "endpoints.json"))
    if not path.exists():
        raise RuntimeError(f"{path} is missing: start the platform first (npx nx run platform:up)")
    return json.loads(path.read_text())


ROLE_USERS = {"owner": "datapark_owner", "admin": "datapark_admin"}


@pytest.fixture(scope="session")
def connect(endpoints):
    """connect(role) -> a psycopg2 connection to the datapark database as that role (autocommit)."""
    import psycopg2

    opened = []

    def _connect(role: str):
        pg = endpoints["postgres"]
        conn = psycopg2.connect(
            host=pg.get("host", "127.0.0.1"),
            port=pg.get("port", 15432),
            dbname=pg.get("database", "datapark"),
            user=ROLE_USERS.get(role, role),
            password=pg["roles"][role]["password"],
        )
        conn.autocommit = True
        opened.append(conn)
        return conn

    yield _connect
    for conn in opened:
        conn.close()


class Airflow:
    """The few calls of Airflow's REST API v2 the tests need, with a token from /auth/token.

    A refused or timed-out request is retried for up to two minutes: other tests restart the api-server
    (`datapark stop airflow-api-server`), and a client should ride that out as ours does.
    """

    RETRY_FOR_S = 120

    def __init__(self, url: str, username: str, password: str):
        import requests

        self.url = url.rstrip("/")
        self.http = requests.Session()
        token = self._send(
            "POST", f"{self.url}/auth/token", json={"username": username, "password": password}
        )
        token.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def _send(self, method: str, url: str, **kwargs):
        import requests

        deadline = time.monotonic() + self.RETRY_FOR_S
        while True:
            try:
                response = self.http.request(method, url, timeout=60, **kwargs)
                if response.status_code not in {502, 503, 504} or time.monotonic() > deadline:
                    return response
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline:
                    raise
            time.sleep(2)

    def call(self, method: str, path: str, **kwargs):
        response = self._send(method, f"{self.url}/api/v2{path}", **kwargs)
        if not response.ok:
            raise AssertionError(f"{method} {path}: HTTP {response.status_code} {response.text[:1000]}")
        return response.json() if response.content else None


@pytest.fixture(scope="session")
def airflow(endpoints) -> Airflow:
    af = endpoints["airflow"]
    return Airflow(af.get("url", "http://127.0.0.1:18280"), af.get("username", "datapark"), af["password"])
