"""Superset's configuration in the Data Park chart (SUPERSET_CONFIG_PATH points here: the ConfigMap
<release>-superset, mounted at /etc/superset).

The local platform's packages/platform-local/superset/superset_config.py makes the same choices;
it reads its secrets from a 0600 file, this one from the environment, which the pod fills from
Secrets by reference (the values never appear in the pod's spec): SUPERSET_SECRET_KEY from the
superset Secret, DATAPARK_SUPERSET_METADATA_PASSWORD from the postgresql Secret.
"""

import logging
import os
from urllib.parse import quote

from superset.stats_logger import BaseStatsLogger, DummyStatsLogger, StatsdStatsLogger

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
# Metadata (users, dashboards, charts, saved database connections) in the chart's PostgreSQL,
# database `superset`, owned by the role `superset` (the PostgreSQL init Job creates both).
SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://{user}:{password}@{host}:{port}/{database}".format(
    user=quote(os.environ["DATAPARK_SUPERSET_METADATA_USER"], safe=""),
    password=quote(os.environ["DATAPARK_SUPERSET_METADATA_PASSWORD"], safe=""),
    host=os.environ["DATAPARK_POSTGRES_HOST"],
    port=int(os.environ["DATAPARK_POSTGRES_PORT"]),
    database=quote(os.environ["DATAPARK_SUPERSET_METADATA_DATABASE"], safe=""),
)
SQLALCHEMY_TRACK_MODIFICATIONS = False

# Behind the cluster's ingress controller, the one client the NetworkPolicy lets in (kubectl
# port-forward aside, which sends no forwarding headers): trust its X-Forwarded-* headers, so
# Superset's redirects keep the https of the Ingress.
ENABLE_PROXY_FIX = True
# No example data, no telemetry, no outbound calls (the pod cannot leave the cluster anyway).
SUPERSET_LOAD_EXAMPLES = False
SCARF_ANALYTICS = False
# Thumbnails and alerts/reports need Celery workers and a headless browser: off.
FEATURE_FLAGS = {"THUMBNAILS": False, "ALERT_REPORTS": False}
# An in-process rate-limit store (one gunicorn worker), said explicitly to quiet the warning.
RATELIMIT_STORAGE_URI = "memory://"
# Logs to stderr: kubectl logs.
LOG_LEVEL = "INFO"
# The root filesystem is read-only: whatever Superset writes goes under SUPERSET_HOME (an emptyDir).
DATA_DIR = os.environ["SUPERSET_HOME"]
UPLOAD_FOLDER = os.path.join(DATA_DIR, "uploads") + "/"
IMG_UPLOAD_FOLDER = UPLOAD_FOLDER


def _stats_logger() -> BaseStatsLogger:
    """StatsD to the statsd-exporter sidecar of the pod (DATAPARK_SUPERSET_STATSD, 127.0.0.1:port,
    set on the server's container when superset.metrics.enabled), which Prometheus scrapes as the
    job `superset`, as the local platform's superset_config.py does. Superset has no /metrics of
    its own. An image without the `statsd` package still starts, without metrics."""
    address = os.environ.get("DATAPARK_SUPERSET_STATSD")
    if not address:
        return DummyStatsLogger()
    host, _, port = address.rpartition(":")
    try:
        import statsd  # noqa: F401  (StatsdStatsLogger raises its ImportError only when built)
    except ModuleNotFoundError:
        logging.getLogger(__name__).warning(
            "Superset sends no metrics: the image has no statsd package (the -dev images carry it)"
        )
        return DummyStatsLogger()
    logger = StatsdStatsLogger(host=host, port=int(port), prefix="superset")
    # statsd sends with an unconnected UDP socket, which its first sendto binds to 0.0.0.0: bind
    # it to the sidecar's (loopback) address first, as the local platform does.
    logger.client._sock.bind((host, 0))
    return logger


STATS_LOGGER = _stats_logger()

# --- What Superset's pages may reach, and its event log of anonymous pages. The same lines in
# packages/platform-local/superset/superset_config.py and the chart's superset_config.py
# (charts/test/superset.test.ts compares them).

# Superset's Content-Security-Policy (flask-talisman, on by default) without a host beyond
# Superset itself. The default lets a page load Scarf's telemetry pixel, which Superset 6.1's
# navigation bar requests on every page whatever SCARF_ANALYTICS says (its frontend was built
# with it on), and map tiles and fonts from the internet: the browser now refuses them.
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}


def FLASK_APP_MUTATOR(app):  # noqa: N802 (Superset's name for the hook)
    """Refuses event-log posts from a page with no logged-in user, before Superset sees them.

    A page posts its event log to /superset/log/ as it unloads; the login page does too, with the
    anonymous session's cookie, as the login's own POST leaves. Superset answers it with a redirect
    to the login page and a flashed "access denied" written into that anonymous session: a new
    cookie, which replaces the logged-in one when its answer arrives second. The browser is then
    logged out on the first page it opens (seen on a loaded machine: the welcome page's API calls
    answered 401, back on /login/; apache/superset#36186 reports the redirects). Refused here, the
    post leaves the session, and so the cookie, untouched."""
    from flask import request, session

    @app.before_request
    def refuse_anonymous_event_log():
        anonymous = "_user_id" not in session and "Authorization" not in request.headers
        if request.method == "POST" and request.path.rstrip("/") == "/superset/log" and anonymous:
            return {"message": "the event log takes the events of a logged-in user only"}, 401
        return None
