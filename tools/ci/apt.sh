#!/usr/bin/env bash
# Debian packages the local platform runs: PostgreSQL and Redis servers, a JDK for Kafka and
# Spark, Maven to resolve their jars, Python's venv, and the monitoring component's Prometheus,
# Alertmanager and exporters (PostgreSQL, Redis, the host), Chromium for the UI tests (headless,
# driven over the DevTools protocol), and the one-node Kubernetes cluster's runtime
# (tools/ci/kube-node.sh: containerd, runc, the CNI plugins, iptables and conntrack for kube-proxy,
# ipset for kube-router's NetworkPolicies, busybox-static for its images, mmdebstrap for the Debian
# root filesystems of the images tools/ci/images.sh builds). Idempotent: installs only what is missing.
set -euo pipefail
packages=(postgresql postgresql-client redis-server redis-tools openjdk-17-jre-headless maven python3-venv procps util-linux
  prometheus prometheus-alertmanager prometheus-node-exporter prometheus-postgres-exporter prometheus-redis-exporter
  chromium containerd runc containernetworking-plugins iptables conntrack ipset busybox-static mmdebstrap)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "apt: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "apt: installing ${missing[*]}"
$SUDO apt-get update -qq
# policy-rc.d keeps Debian from starting its own PostgreSQL/Redis services on their default
# ports: the platform runs its own instances under .datapark/.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "apt: done"
