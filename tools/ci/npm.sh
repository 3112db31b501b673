#!/usr/bin/env bash
# The workspace's npm dependencies, exactly as locked. Skips the install when node_modules
# already matches package-lock.json.
set -euo pipefail
stamp=node_modules/.datapark-lock-hash
hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  echo "npm: node_modules matches package-lock.json"
  exit 0
fi
echo "npm: npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "$hash" > "$stamp"
