#!/usr/bin/env bash
# Presto of docker-compose.yml: renders every file of presto/etc (mounted read-only) from the
# environment with scripts/lib/render.sh, the renderer of scripts/stack.sh, into
# $PRESTO_CONF_DIR, then runs the image's launcher on that folder. The heap comes from
# PRESTO_HEAP_OPTS (default -Xmx1536m in docker-compose.yml, as in scripts/lib/env.sh).
set -euo pipefail
source /etc/lake/scripts/lib/render.sh
templates=/etc/lake/presto/etc
rm -rf "$PRESTO_CONF_DIR"
while IFS= read -r -d '' template; do
  lake_render "$template" "$PRESTO_CONF_DIR/${template#"$templates"/}"
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
# The launcher takes each line of jvm.config as one flag; the ${PRESTO_HEAP_OPTS} line may hold
# several (e.g. "-Xms1g -Xmx2g"), so give every flag its own line, as scripts/stack.sh does.
jvm_config="$PRESTO_CONF_DIR/jvm.config"
flags=()
while IFS= read -r line; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  read -r -a words <<< "$line"
  flags+=("${words[@]}")
done < "$jvm_config"
printf '%s\n' "${flags[@]}" > "$jvm_config"
mkdir -p "$PRESTO_DATA_DIR"
exec "$PRESTO_HOME/bin/launcher" run --etc-dir="$PRESTO_CONF_DIR" --data-dir="$PRESTO_DATA_DIR"
