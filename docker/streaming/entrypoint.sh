#!/usr/bin/env bash
# Streaming job of docker-compose.yml: the same main class and JVM flags (spark-jobs/jvm-options.txt)
# as scripts/stack.sh. The log also goes to /tmp/streaming.log, where the healthcheck looks for
# the job's "Streaming query started" line, the signal stack.sh waits for locally.
set -euo pipefail
mapfile -t jvm_flags < <(grep -v '^\s*\(#\|$\)' /app/jvm-options.txt)
# JAVA_OPTS holds plain JVM flags (no spaces inside one flag), so word splitting is intended
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} "${jvm_flags[@]}" -cp '/app/lib/*' dev.bankinglake.lake.StreamingJob \
  > >(tee -a /tmp/streaming.log) 2>&1
