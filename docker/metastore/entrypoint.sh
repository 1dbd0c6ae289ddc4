#!/usr/bin/env bash
# Hive Metastore of docker-compose.yml: renders hive/conf/metastore-site.xml (mounted read-only)
# from the environment with scripts/lib/render.sh, the renderer of scripts/stack.sh, then runs
# the same launcher on the same classpath (local-stack/metastore) as the local stack, on
# PostgreSQL instead of Derby.
set -euo pipefail
source /opt/lake/scripts/lib/render.sh
conf=/tmp/metastore-conf
lake_render /etc/lake/hive/conf/metastore-site.xml "$conf/metastore-site.xml"
cp /etc/lake/hive/conf/metastore-log4j2.properties "$conf/metastore-log4j2.properties"
# JAVA_OPTS holds plain JVM flags (no spaces inside one flag), so word splitting is intended
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -Dlog4j.configurationFile="$conf/metastore-log4j2.properties" \
  -cp "$conf:$HADOOP_CONF_DIR:/opt/metastore/lib/*" \
  dev.bankinglake.stack.metastore.BoundMetastore -p "$METASTORE_PORT"
