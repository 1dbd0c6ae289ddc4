#!/usr/bin/env bash
# Lake service of docker-compose.yml: the same main class and JVM flags (spark-jobs/jvm-options.txt)
# as scripts/stack.sh, exec'd so that the JVM gets Docker's SIGTERM and stops its queries cleanly.
# Health is its HTTP answer (GET /health on LAKE_SERVICE_PORT), not its log; a dead service is
# restarted by compose's restart policy.
set -euo pipefail
mapfile -t jvm_flags < <(grep -v '^\s*\(#\|$\)' /app/jvm-options.txt)
# On a Spark standalone master (docker-compose.cluster.yml) the driver runs in client mode:
# executors in the spark-worker containers connect back to this container by name, run with the
# same JVM flags, and fetch the job's jar from the driver.
cluster_flags=()
if [[ "${SPARK_MASTER:-}" == spark://* ]]; then
  cluster_flags=(-Dspark.driver.host="${SPARK_DRIVER_HOST:-$(hostname)}" -Dspark.driver.bindAddress=0.0.0.0
    -Dspark.executor.extraJavaOptions="${jvm_flags[*]}" -Dspark.executor.memory="${SPARK_EXECUTOR_MEMORY:-1g}"
    -Dspark.jars="$(ls /app/lib/lake-spark-jobs-*.jar | head -n 1)")
fi
# JAVA_OPTS holds plain JVM flags (no spaces inside one flag), so word splitting is intended
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} "${jvm_flags[@]}" "${cluster_flags[@]}" -cp '/app/lib/*' dev.bankinglake.service.LakeService
