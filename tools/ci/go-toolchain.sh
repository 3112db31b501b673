#!/usr/bin/env bash
# Sourced by the scripts that build with Go: puts the toolchain on PATH (Debian's go, or the one
# in /usr/local/go) or fails naming what is needed.
# Usage: require_go <log prefix> <minimum go version>
require_go() {
  command -v go >/dev/null 2>&1 && return 0
  if [ -x /usr/local/go/bin/go ]; then
    export PATH=/usr/local/go/bin:$PATH
  else
    echo "$1: no Go toolchain found (need go >= $2 on PATH or in /usr/local/go)" >&2
    exit 1
  fi
}

# Reads `go build -v` / `go install -v` output (one package per line as it compiles) and prints
# a progress line every 15 s; anything that looks like an error passes through.
# Usage: go build -v … 2>&1 | go_progress <log prefix>   (with `set -o pipefail`)
go_progress() {
  local n=0 d=0 last=$SECONDS start=$SECONDS line
  while IFS= read -r line; do
    case $line in
    "go: downloading "*) d=$((d + 1)) ;;
    *.go:* | *error* | *cannot* | *"not found"*) echo "$line" >&2 ;;
    *) n=$((n + 1)) ;;
    esac
    if ((SECONDS - last >= 15)); then
      echo "$1: $d modules downloaded, $n packages compiled, $((SECONDS - start)) s"
      last=$SECONDS
    fi
  done
  echo "$1: $d modules downloaded, $n packages compiled in $((SECONDS - start)) s"
}
