#!/usr/bin/env bash
# Prints the broker's server.properties from the environment, as Kafka's own images make it: every
# KAFKA_<NAME> variable becomes property <name> (lower case; _ is a dot, __ an underscore, ___ a
# dash), apart from the JVM's (KAFKA_HEAP_OPTS, KAFKA_OPTS, KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_LOG4J_OPTS). Used by docker/kafka/entrypoint.sh; ComposeMatchesLocalStackTest runs it on
# docker-compose.yml's environment and compares the result with the local stack's file.
set -euo pipefail
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS) continue ;;
  esac
  property="${name#KAFKA_}"
  property="${property,,}"
  property="${property//___/-}"
  property="${property//__/@}"
  property="${property//_/.}"
  property="${property//@/_}"
  printf '%s=%s\n' "$property" "$value"
done < <(env | grep '^KAFKA_[A-Z0-9_]*=' | sort)
