#!/usr/bin/env bash
# Spark standalone master or worker of docker-compose.cluster.yml, run from the lake service's
# image: the same Spark jars (/app/lib) and JVM flags (spark-jobs/jvm-options.txt) as the driver,
# the main classes that scripts/stack.sh --cluster runs locally. Exec'd, so the JVM gets SIGTERM.
#   entrypoint.sh master | worker
set -euo pipefail
mapfile -t jvm_flags < <(grep -v '^\s*\(#\|$\)' /app/jvm-options.txt)
# the image binds Spark to loopback for the single-node service; a cluster node binds its RPC to
# its host name (--host below) and its web UI, with SPARK_LOCAL_IP unset, to every address of its
# container, so that the health check reaches it on 127.0.0.1
unset SPARK_LOCAL_IP
# SPARK_DAEMON_HEAP_OPTS holds plain JVM flags (no spaces inside one flag), so word splitting is intended
# shellcheck disable=SC2086
case "${1:-}" in
  master)
    exec java ${SPARK_DAEMON_HEAP_OPTS:--Xmx256m} "${jvm_flags[@]}" -cp '/app/lib/*' \
      org.apache.spark.deploy.master.Master --host "$(hostname)" --port 7077 --webui-port 8080 ;;
  worker)
    # executors are the worker's children: Spark's launcher builds their classpath from
    # SPARK_HOME/jars and needs the Scala version
    mkdir -p /tmp/spark/home /tmp/spark/work
    ln -sfn /app/lib /tmp/spark/home/jars
    export SPARK_HOME=/tmp/spark/home SPARK_SCALA_VERSION=2.13
    exec java ${SPARK_DAEMON_HEAP_OPTS:--Xmx256m} "${jvm_flags[@]}" -Dspark.worker.cleanup.enabled=true -cp '/app/lib/*' \
      org.apache.spark.deploy.worker.Worker --host "$(hostname)" --port 7078 --webui-port 8081 \
      --cores "${SPARK_WORKER_CORES:-1}" --memory "${SPARK_WORKER_MEMORY:-1g}" --work-dir /tmp/spark/work "$SPARK_MASTER_URL" ;;
  *)
    echo "usage: entrypoint.sh master|worker" >&2
    exit 2 ;;
esac
