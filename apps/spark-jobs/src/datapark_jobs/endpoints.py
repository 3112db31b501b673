"""Finds the platform as @datapark/config does: DATAPARK_* variables over the endpoints file."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


class EndpointsError(RuntimeError):
    """The endpoints file is missing or lacks a value the job needs."""


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    database: str
    user: str
    password: str

    @property
    def jdbc_url(self) -> str:
        return f"jdbc:postgresql://{self.host}:{self.port}/{self.database}"


def _state_dir() -> Path:
    if os.environ.get("DATAPARK_STATE_DIR"):
        return Path(os.environ["DATAPARK_STATE_DIR"])
    for parent in [Path.cwd(), *Path.cwd().parents]:
        if (parent / ".datapark").is_dir() or (parent / "nx.json").exists():
            return parent / ".datapark"
    return Path.home() / ".datapark"


def endpoints() -> dict:
    path = Path(os.environ.get("DATAPARK_ENDPOINTS_FILE", _state_dir() / "endpoints.json"))
    if not path.exists():
        raise EndpointsError(
            f"{path} does not exist: start the platform (npx nx run platform:up) or set DATAPARK_STATE_DIR"
        )
    return json.loads(path.read_text())


def postgres(role: str) -> Postgres:
    doc = endpoints().get("postgres", {})
    user = {"owner": "datapark_owner", "admin": "datapark_admin"}.get(role, role)
    env_password = os.environ.get(f"DATAPARK_POSTGRES_{role.upper()}_PASSWORD")
    password = env_password or doc.get("roles", {}).get(role, {}).get("password")
    if not password:
        raise EndpointsError(
            f"no password for PostgreSQL role {user}: start the platform "
            f"or set DATAPARK_POSTGRES_{role.upper()}_PASSWORD"
        )
    return Postgres(
        host=os.environ.get("DATAPARK_POSTGRES_HOST", doc.get("host", "127.0.0.1")),
        port=int(os.environ.get("DATAPARK_POSTGRES_PORT", doc.get("port", 15432))),
        database=os.environ.get("DATAPARK_POSTGRES_DATABASE", doc.get("database", "datapark")),
        user=user,
        password=password,
    )
