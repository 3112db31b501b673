#!/usr/bin/env bash
# `helm lint --strict` on the umbrella chart and on every subchart alone, with each CI profile.
set -euo pipefail
cd "$(dirname "$0")"
helm() { bash ./helm.sh "$@"; }
status=0
for profile in datapark/ci/*-values.yaml; do
  echo "helm lint --strict datapark -f $profile"
  helm lint --strict datapark -f "$profile" --namespace datapark || status=1
done
for chart in datapark/charts/*/; do
  echo "helm lint --strict $chart"
  helm lint --strict "$chart" --namespace datapark || status=1
done
exit $status
