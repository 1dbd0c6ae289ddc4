#!/usr/bin/env bash
# Kafka of docker-compose.yml: the broker of local-stack/kafka's classpath (KRaft, broker and
# controller in one process), configured from the environment as Kafka's own images are
# (docker/kafka/server-properties.sh: KAFKA_LOG_DIRS is log.dirs). The log folder is formatted on
# the first start with CLUSTER_ID (a new id where it is unset), then the broker is exec'd so it
# gets Docker's SIGTERM.
set -euo pipefail
config=/tmp/kafka/server.properties
mkdir -p "$(dirname "$config")"
bash /opt/kafka/bin/server-properties.sh > "$config"

log_dir=$(sed -n 's/^log\.dirs=//p' "$config")
[[ -n "$log_dir" ]] || { echo "kafka: KAFKA_LOG_DIRS is not set" >&2; exit 2; }
kafka_java() {
  java -Xmx256m -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties -cp '/opt/kafka/lib/*' "$@"
}
if [[ ! -f "$log_dir/meta.properties" ]]; then
  cluster_id="${CLUSTER_ID:-$(kafka_java kafka.tools.StorageTool random-uuid | tail -n 1)}"
  echo "kafka: formatting $log_dir with cluster id $cluster_id (first start)"
  kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$config"
fi
# KAFKA_HEAP_OPTS holds plain JVM flags (no spaces inside one flag), so word splitting is intended
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx1g} ${KAFKA_OPTS:-} -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties \
  -cp '/opt/kafka/lib/*' kafka.Kafka "$config"
