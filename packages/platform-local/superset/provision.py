"""Prepares Superset for the Data Park local platform; run at every `up` before the server starts.

1. migrates the metadata database (`superset db upgrade`) and syncs roles and permissions
   (`superset init`), both skipped when the stamp file names this Superset version and the
   database's alembic revision (a dropped and recreated database is migrated again);
2. creates the admin user, or resets its password to the one in the endpoints file;
3. imports the dashboards as code (Superset's export format: YAML under `assets/`) with
   ImportAssetsCommand, which overwrites what an earlier import made, and points the database
   connection at this platform's PostgreSQL as the read-only role superset_reader.

Runs in .venv-superset with SUPERSET_CONFIG_PATH and DATAPARK_SUPERSET_SECRETS set; prints one
line per step, never a secret.
"""

import importlib.metadata
import json
import os
import sys
from pathlib import Path

import yaml

ASSETS = Path(__file__).parent / "assets"
DATABASE_FILE = "databases/datapark.yaml"


def log(message: str) -> None:
    print(f"superset provision: {message}", flush=True)


def read_assets(secrets: dict) -> dict[str, str]:
    """The asset bundle as ImportAssetsCommand takes it: path in the bundle -> YAML text."""
    contents = {
        str(path.relative_to(ASSETS)): path.read_text(encoding="utf-8")
        for path in sorted(ASSETS.rglob("*.yaml"))
    }
    database = yaml.safe_load(contents[DATABASE_FILE])
    # The committed file names no host, port or password: this platform's, with the password
    # masked as Superset's exports mask it (the passwords argument fills it in).
    database["sqlalchemy_uri"] = (
        f"postgresql+psycopg2://{secrets['readerUser']}:XXXXXXXXXX"
        f"@{secrets['postgresHost']}:{secrets['postgresPort']}/{secrets['database']}"
    )
    contents[DATABASE_FILE] = yaml.safe_dump(database, sort_keys=False)
    return contents


def database_revision(db) -> str | None:
    """The alembic revision of the metadata database; None before the first migration."""
    from sqlalchemy import text

    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - no table yet: a new (or dropped and recreated) database
        db.session.rollback()
        return None


def main() -> None:
    secrets = json.loads(Path(os.environ["DATAPARK_SUPERSET_SECRETS"]).read_text("utf-8"))
    stamp = Path(secrets["stampFile"])
    version = importlib.metadata.version("apache-superset")

    from superset.app import create_app

    app = create_app()
    with app.app_context():
        import superset
        from flask import g
        from flask_migrate import upgrade
        from superset import appbuilder, db, security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand

        done = stamp.read_text("utf-8").strip() if stamp.exists() else ""
        if done != f"{version} {database_revision(db)}":
            log(f"migrating the metadata database (superset db upgrade, {version})")
            upgrade(directory=str(Path(superset.__file__).parent / "migrations"))
            log("syncing roles and permissions (superset init)")
            appbuilder.add_permissions(update_perms=True)
            security_manager.sync_role_definitions()
            stamp.write_text(f"{version} {database_revision(db)}\n", "utf-8")

        username = secrets["username"]
        user = security_manager.find_user(username=username)
        if user is None:
            log(f"creating the admin user {username}")
            user = security_manager.add_user(
                username,
                "Data Park",
                "Admin",
                f"{username}@datapark.invalid",
                security_manager.find_role("Admin"),
                password=secrets["adminPassword"],
            )
            if not user:
                sys.exit(f"could not create the admin user {username}: see the log above")
        else:
            security_manager.reset_password(user.id, secrets["adminPassword"])

        g.user = user
        contents = read_assets(secrets)
        charts = sum(1 for name in contents if name.startswith("charts/"))
        log(f"importing {len(contents)} asset files ({charts} charts) from {ASSETS}")
        ImportAssetsCommand(contents, passwords={DATABASE_FILE: secrets["readerPassword"]}).run()
        log("done")


if __name__ == "__main__":
    main()
