#!/bin/sh
# Formats a node's log directories (KRaft).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
