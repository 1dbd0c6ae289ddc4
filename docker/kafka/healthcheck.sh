#!/bin/sh
# Kafka healthcheck of docker-compose.yml: healthy once the broker answers and topic $EVENTS_TOPIC
# exists. Creates the topic on the first run with the settings scripts/stack.sh uses locally
# (replication factor and min.insync.replicas 1, or those of docker-compose.cluster.yml).
set -eu
topics=/opt/kafka/bin/kafka-topics
bootstrap=localhost:9092

if "$topics" --bootstrap-server "$bootstrap" --describe --topic "$EVENTS_TOPIC" 2>/dev/null | grep -q PartitionCount; then
  exit 0
fi
"$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$EVENTS_TOPIC" \
  --partitions "$EVENTS_PARTITIONS" --replication-factor "${EVENTS_REPLICATION_FACTOR:-1}" --config retention.ms=-1 \
  --config min.insync.replicas="${EVENTS_MIN_INSYNC_REPLICAS:-1}"
"$topics" --bootstrap-server "$bootstrap" --describe --topic "$EVENTS_TOPIC" | grep -q PartitionCount
