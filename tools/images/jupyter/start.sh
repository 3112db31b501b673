#!/bin/sh
# The entrypoint's part of the Jupyter Docker Stacks contract that the chart uses (tini -g --
# start.sh, as there): the arguments are a command run as it is (the chart's: start-notebook.py
# and its --ServerApp options), start-notebook.py when there are none. The official start.sh's
# root-only steps (switching user, NB_UID, GRANT_SUDO, start hooks) have nothing to do here:
# the image runs as jovyan.
set -e
[ "$#" -gt 0 ] || set -- start-notebook.py
exec "$@"
