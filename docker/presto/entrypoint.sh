#!/usr/bin/env bash
# Presto of docker-compose.yml: renders every file of presto/etc (mounted read-only) from the
# environment with scripts/lib/render.sh, the renderer of scripts/stack.sh, into
# $PRESTO_CONF_DIR, then runs PrestoServer of local-stack/presto-server's unpacked server with
# the flags of jvm.config and node.properties, as scripts/stack.sh does (no Python launcher).
# The heap comes from PRESTO_HEAP_OPTS (default -Xmx1536m in docker-compose.yml, as in
# scripts/lib/env.sh).
set -euo pipefail
source /opt/lake/scripts/lib/render.sh
source /opt/lake/scripts/lib/secrets.sh
lake_log() { printf '[%s] %s\n' "$(date -u +%T)" "$*" >&2; }
lake_die() { lake_log "ERROR: $*"; exit 1; }
# inside its container Presto listens on every interface of the container's own network; the
# host publishes its port on loopback only (docker-compose.yml). A node announces its container
# address, as Airlift would find it itself.
export LAKE_BIND_ADDRESS="${LAKE_BIND_ADDRESS:-0.0.0.0}"
export PRESTO_INTERNAL_ADDRESS="${PRESTO_INTERNAL_ADDRESS:-$(hostname -i | cut -d' ' -f1)}"
export LAKE_HOST="${LAKE_HOST:-$PRESTO_INTERNAL_ADDRESS}"
# TLS: the stack's CA (compose secrets, from scripts/lib/secrets.sh) signs this node's own key,
# made here for the names and the address it is reached at: its container address (the other
# nodes), its service name, localhost and 127.0.0.1 (the health check, the published port)
export LAKE_SECRETS_DIR=/run/secrets
export PRESTO_TRUSTSTORE="${PRESTO_TRUSTSTORE:-/run/secrets/presto-truststore.p12}"
export PRESTO_TRUSTSTORE_PASSWORD="${PRESTO_TRUSTSTORE_PASSWORD:-lake-truststore}"
export PRESTO_KEYSTORE="${PRESTO_KEYSTORE:-/var/lib/presto/tls/presto-node.p12}"
lake_presto_node_keystore "$PRESTO_KEYSTORE" "$PRESTO_INTERNAL_ADDRESS" "$(hostname)" ${PRESTO_SERVICE_NAME:-presto} localhost 127.0.0.1
templates=/etc/lake/presto/etc
rm -rf "$PRESTO_CONF_DIR"
# the rendered configuration holds the key store's password and the nodes' shared secret
( umask 077; mkdir -p "$PRESTO_CONF_DIR" )
while IFS= read -r -d '' template; do
  lake_presto_render "$template" "$PRESTO_CONF_DIR/${template#"$templates"/}"
done < <(find "$templates" -type f -print0)
# docker-compose.cluster.yml: PRESTO_ROLE=coordinator plans queries and runs none of their splits;
# PRESTO_ROLE=worker runs them for the coordinator at PRESTO_COORDINATOR_URL, as one of the
# scalable presto-worker containers (node.id: the container's host name), as scripts/stack.sh
# --cluster does locally.
set_property() {
  local file="$1" key="${2%%=*}"
  sed -i "/^${key//./\\.}=/d" "$file"
  [[ "$2" == *=* ]] && printf '%s\n' "$2" >> "$file"
  return 0
}
case "${PRESTO_ROLE:-single}" in
  single) ;;
  coordinator)
    set_property "$PRESTO_CONF_DIR/config.properties" node-scheduler.include-coordinator=false
    # a query that finds no worker fails after this wait, saying so (Presto's default: 5m)
    set_property "$PRESTO_CONF_DIR/config.properties" "query-manager.required-workers-max-wait=${PRESTO_WORKERS_MAX_WAIT:-10s}" ;;
  worker)
    set_property "$PRESTO_CONF_DIR/config.properties" discovery-server.enabled
    set_property "$PRESTO_CONF_DIR/config.properties" node-scheduler.include-coordinator
    set_property "$PRESTO_CONF_DIR/config.properties" coordinator=false
    set_property "$PRESTO_CONF_DIR/config.properties" "discovery.uri=$PRESTO_COORDINATOR_URL"
    set_property "$PRESTO_CONF_DIR/node.properties" "node.id=$(hostname)" ;;
  *) echo "PRESTO_ROLE must be single, coordinator or worker, was '$PRESTO_ROLE'" >&2; exit 2 ;;
esac
# one flag per line of jvm.config, except the ${PRESTO_HEAP_OPTS} line, which may hold several
# (e.g. "-Xms1g -Xmx2g"); node.properties become system properties
flags=()
while IFS= read -r line; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  read -r -a words <<< "$line"
  flags+=("${words[@]}")
done < "$PRESTO_CONF_DIR/jvm.config"
while IFS= read -r line; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  flags+=("-D$line")
done < "$PRESTO_CONF_DIR/node.properties"
mkdir -p "$PRESTO_DATA_DIR"
# Presto reads etc/access-control.properties relative to its working folder
ln -sfn "$PRESTO_CONF_DIR" "$PRESTO_DATA_DIR/etc"
cd "$PRESTO_DATA_DIR"
exec java "${flags[@]}" -Dconfig="$PRESTO_CONF_DIR/config.properties" -Dlog.levels-file="$PRESTO_CONF_DIR/log.properties" \
  -cp "$PRESTO_HOME/lib/*" com.facebook.presto.server.PrestoServer
