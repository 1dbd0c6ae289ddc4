#!/usr/bin/env bash
# Lake service of docker-compose.yml: the same main class and JVM flags (spark-jobs/jvm-options.txt)
# as scripts/stack.sh, exec'd so that the JVM gets Docker's SIGTERM and stops its queries cleanly.
# Health is its HTTP answer (GET /health on LAKE_SERVICE_PORT), not its log; a dead service is
# restarted by compose's restart policy.
set -euo pipefail
mapfile -t jvm_flags < <(grep -v '^\s*\(#\|$\)' /app/jvm-options.txt)
# JAVA_OPTS holds plain JVM flags (no spaces inside one flag), so word splitting is intended
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} "${jvm_flags[@]}" -cp '/app/lib/*' dev.bankinglake.service.LakeService
