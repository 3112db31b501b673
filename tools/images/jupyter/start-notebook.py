#!/opt/venv/bin/python
"""The Jupyter Docker Stacks contract for start-notebook.py, as far as the chart uses it: runs
`jupyter lab` (or DOCKER_STACKS_JUPYTER_CMD's subcommand) with NOTEBOOK_ARGS and then its own
arguments (the chart's --ServerApp options). The token comes from JUPYTER_TOKEN, which
jupyter_server reads itself. Not supported: JupyterHub (JUPYTERHUB_API_TOKEN) and RESTARTABLE."""

import os
import shlex
import sys

if "JUPYTERHUB_API_TOKEN" in os.environ:
    sys.exit("start-notebook.py: JupyterHub's single-user server is not in this image")
command = ["jupyter", os.environ.get("DOCKER_STACKS_JUPYTER_CMD", "lab")]
command += shlex.split(os.environ.get("NOTEBOOK_ARGS", ""))
command += sys.argv[1:]
os.execvp(command[0], command)
