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
# No example data, no telemetry, no outbound calls.
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
