#!/usr/bin/env bash
# Runs the helm that tools/ci/go.sh builds (or one on PATH), and says how to get it when there is
# none: the chart targets must fail, never skip, without helm.
set -euo pipefail
helm="${DATAPARK_HELM:-}"
if [ -z "$helm" ]; then
  if command -v helm >/dev/null 2>&1; then helm=$(command -v helm)
  elif [ -x "${GOPATH:-$HOME/go}/bin/helm" ]; then helm="${GOPATH:-$HOME/go}/bin/helm"
  fi
fi
if [ -z "$helm" ] || [ ! -x "$helm" ]; then
  echo "helm not found (PATH, \$DATAPARK_HELM, ~/go/bin/helm). Install it: bash tools/ci/go.sh" >&2
  exit 127
fi
exec "$helm" "$@"
