"""Superset's configuration for the Data Park local platform (SUPERSET_CONFIG_PATH points here).

The secrets (SECRET_KEY, the metadata database's URI with the role `superset`'s password) are not
here nor in the environment: the platform writes them at every `up` into a 0600 JSON file in its
state directory, named by DATAPARK_SUPERSET_SECRETS (packages/platform-local/src/superset).
"""

import json
import logging
import os

from superset.stats_logger import BaseStatsLogger, DummyStatsLogger, StatsdStatsLogger

with open(os.environ["DATAPARK_SUPERSET_SECRETS"], encoding="utf-8") as _file:
    _secrets = json.load(_file)

SECRET_KEY = _secrets["secretKey"]
# Metadata (users, dashboards, charts, saved database connections) in our PostgreSQL, database
# `superset`, owned by the role `superset`.
SQLALCHEMY_DATABASE_URI = _secrets["metadataUri"]
SQLALCHEMY_TRACK_MODIFICATIONS = False

# Served on 127.0.0.1 by gunicorn; no proxy in front.
ENABLE_PROXY_FIX = False
# No example data, no telemetry, no outbound calls (and see TALISMAN_CONFIG below).
SUPERSET_LOAD_EXAMPLES = False
SCARF_ANALYTICS = False
# Thumbnails and alerts/reports need Celery and a headless browser of Superset's own: off.
FEATURE_FLAGS = {"THUMBNAILS": False, "ALERT_REPORTS": False}
# An in-process rate-limit store (one gunicorn worker), said explicitly to quiet the warning.
RATELIMIT_STORAGE_URI = "memory://"
# Logs to stderr, which the platform's daemon writes to .datapark/logs/superset.log.
LOG_LEVEL = "INFO"


def _stats_logger() -> BaseStatsLogger:
    """StatsD to the monitoring component's statsd_exporter (DATAPARK_SUPERSET_STATSD, host:port,
    set by the platform), which Prometheus scrapes as the job `superset`. Superset has no /metrics
    of its own. A venv built before `statsd` joined the lock still starts, without metrics."""
    address = os.environ.get("DATAPARK_SUPERSET_STATSD")
    if not address:
        return DummyStatsLogger()
    host, _, port = address.rpartition(":")
    try:
        import statsd  # noqa: F401  (StatsdStatsLogger raises its ImportError only when built)
    except ModuleNotFoundError:
        logging.getLogger(__name__).warning(
            "Superset sends no metrics: .venv-superset has no statsd package; "
            "rebuild it with bash tools/ci/superset.sh"
        )
        return DummyStatsLogger()
    logger = StatsdStatsLogger(host=host, port=int(port), prefix="superset")
    # statsd sends with an unconnected UDP socket, which its first sendto binds to 0.0.0.0: bind
    # it to the exporter's (loopback) address first, so nothing of the platform listens beyond it.
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
