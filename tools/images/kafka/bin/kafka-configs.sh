#!/bin/sh
# Describes and alters dynamic configuration (topics, brokers).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.ConfigCommand "$@"
