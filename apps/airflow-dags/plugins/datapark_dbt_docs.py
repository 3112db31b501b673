"""dbt docs (apps/dbt-shop, `dbt docs generate`) served by Airflow's api-server, behind its login.

An Airflow 3 plugin: a FastAPI app mounted at /dbt-docs and a nav entry (an external view that
Airflow's UI shows in a frame at /plugin/dbt-docs). Airflow does not protect a plugin's FastAPI
app by itself (https://airflow.apache.org/docs/apache-airflow/stable/administration-and-deployment/plugins.html),
so every route here asks for the user Airflow's own `get_user` resolves from the session cookie
(`_token`, set at login) or a bearer token; a browser without one is sent to Airflow's login page
and back. Only the three files of the docs site are served, never a path from the request.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

PREFIX = "/dbt-docs"
# <checkout>/apps/airflow-dags/plugins/this file; the docs are what apps/dbt-shop/bin/docs.sh writes.
DOCS = Path(
    os.environ.get("DATAPARK_DBT_DOCS_DIR")
    or Path(__file__).resolve().parents[3] / "apps" / "dbt-shop" / "target" / "docs"
)
#: Request path -> file: the site's page and the two artifacts it fetches, nothing else.
FILES = {
    "": "index.html",
    "index.html": "index.html",
    "manifest.json": "manifest.json",
    "catalog.json": "catalog.json",
}

bearer = HTTPBearer(auto_error=False)


class SignIn(Exception):
    """No Airflow session: the browser goes to Airflow's login page, then back here."""

    def __init__(self, next_url: str):
        self.next_url = next_url


async def signed_in(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
):
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.core_api.security import get_user

    try:
        return await get_user(request, None, credentials)
    except HTTPException as error:
        # 401: no session; 403: a stale or forged one (an expired _token cookie). A browser
        # goes to the login page either way; an API client gets the status. Any signed-in
        # Airflow user may read the docs: the local platform's auth manager has one admin.
        if error.status_code in (401, 403) and "text/html" in request.headers.get("accept", ""):
            raise SignIn(get_auth_manager().get_url_login(next_url=str(request.url))) from error
        raise


app = FastAPI(title="dbt docs", docs_url=None, redoc_url=None, openapi_url=None)


@app.exception_handler(SignIn)
async def _to_login(_: Request, error: SignIn) -> Response:
    return RedirectResponse(error.next_url, status_code=303)


@app.get("/{name:path}", dependencies=[Depends(signed_in)])
async def docs_file(name: str) -> Response:
    if name not in FILES:
        raise HTTPException(status_code=404, detail=f"{name!r} is not part of the dbt docs")
    path = DOCS / FILES[name]
    if not path.is_file():
        return HTMLResponse(
            "<h1>No dbt docs yet</h1><p>Generate them with <code>npx nx run dbt-shop:docs</code> "
            f"(they are read from <code>{quote(str(DOCS), safe='/')}</code>).</p>",
            status_code=404,
        )
    return FileResponse(path, headers={"Cache-Control": "no-store"})


class DbtDocsPlugin(AirflowPlugin):
    name = "datapark_dbt_docs"
    fastapi_apps = [{"app": app, "url_prefix": PREFIX, "name": "dbt docs"}]
    external_views = [
        {
            "name": "dbt docs",
            "href": "dbt-docs/",
            "destination": "nav",
            "category": "browse",
            "url_route": "dbt-docs",
        }
    ]
