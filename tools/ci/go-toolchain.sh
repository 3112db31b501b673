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
