"""Superset's configuration in the Data Park chart (SUPERSET_CONFIG_PATH points here: the ConfigMap
<release>-superset, mounted at /etc/superset).

The local platform's packages/platform-local/superset/superset_config.py makes the same choices;
it reads its secrets from a 0600 file, this one from the environment, which the pod fills from
Secrets by reference (the values never appear in the pod's spec): SUPERSET_SECRET_KEY from the
superset Secret, DATAPARK_SUPERSET_METADATA_PASSWORD from the postgresql Secret.
"""

import os
from urllib.parse import quote

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
# No StatsD metrics in the chart: the local platform sends them to its statsd_exporter, which the
# chart's monitoring subchart does not run (Superset keeps its default DummyStatsLogger).
