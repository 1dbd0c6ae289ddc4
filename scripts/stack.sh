#!/usr/bin/env bash
# Starts, stops and reports the services of the local stack, each as its own JVM process.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/stack.sh start|stop|status|restart [SERVICE...]

Runs the stack without Docker: every service is a real process started from artifacts
that Maven resolves from Maven Central. State, logs and pid files live under
$LAKE_STATE_DIR (default: .lake in the repository).

Services (default: all, in this order):
  kafka       Kafka broker + controller (KRaft), creates topic $EVENTS_TOPIC
  hdfs        HDFS NameNode and DataNode
  metastore   Hive Metastore (standalone, embedded Derby)
  presto      PrestoDB with the 'hive' catalog
  api         the banking game API
  streaming   the Spark streaming job (events -> lake tables)

  start     starts what is not running yet and waits until each service answers
  stop      stops what this script started (in reverse order)
  status    shows each service, its port, and whether it answers
  restart   stop, then start
  env       prints the resolved settings (NAME=value), for tools and tests

Ports and folders come from the environment, see scripts/lib/env.sh
(KAFKA_PORT, HDFS_PORT, METASTORE_PORT, PRESTO_PORT, API_PORT, LAKE_STATE_DIR, ...).
EOF
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

ALL_SERVICES=(kafka hdfs metastore presto api streaming)
CONF_DIR="$LAKE_STATE_DIR/conf"
DATA_DIR="$LAKE_STATE_DIR/data"
PID_DIR="$LAKE_STATE_DIR/pids"
STACK_DIR="$LAKE_REPO_ROOT/local-stack"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# ---------------------------------------------------------------- processes and templates

# The processes behind a service.
processes_of() {
  case "$1" in
    hdfs) echo "namenode datanode" ;;
    *) echo "$1" ;;
  esac
}

# The port a process answers on.
port_of() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;;
    namenode) echo "$HDFS_PORT" ;;
    datanode) echo "$HDFS_DATANODE_PORT" ;;
    metastore) echo "$METASTORE_PORT" ;;
    presto) echo "$PRESTO_PORT" ;;
    api) echo "$API_PORT" ;;
    streaming) echo "" ;;
  esac
}

pid_of() {
  local file="$PID_DIR/$1.pid"
  [[ -f "$file" ]] && cat "$file" || true
}

is_running() {
  local pid
  pid=$(pid_of "$1")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# Replaces ${VAR} with the variable's value; an unset variable is an error, not an empty string.
# Shared with the compose entrypoints (docker/), see scripts/lib/render.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib/render.sh"
render() {
  lake_render "$@"
}

# Resolves a module's classpath (and for Presto, unpacks the server) through Maven when missing.
ensure_built() {
  local module="$1" marker="$2"
  if [[ ! -s "$LAKE_REPO_ROOT/$marker" ]]; then
    lake_log "building $module (first run: Maven resolves its artifacts)"
    (cd "$LAKE_REPO_ROOT" && mvn -q -B -DskipTests -DskipITs -pl "$module" -am install) \
      || lake_die "build of $module failed"
  fi
}

classpath_of() {
  cat "$STACK_DIR/$1/target/classpath.txt"
}

# Starts a process in its own session, so that stopping a caller does not stop the stack.
launch() {
  local name="$1"; shift
  local log="$LAKE_LOG_DIR/$name.log"
  mkdir -p "$LAKE_LOG_DIR" "$PID_DIR"
  local port
  port=$(port_of "$name")
  if [[ -n "$port" ]] && lake_port_open "$LAKE_HOST" "$port"; then
    lake_die "$name: port $port is already taken by another process (set its *_PORT variable, see scripts/lib/env.sh)"
  fi
  printf '\n==== %s starting %s\n' "$(date -u +%FT%TZ)" "$name" >> "$log"
  setsid "$@" >> "$log" 2>&1 < /dev/null &
  echo $! > "$PID_DIR/$name.pid"
  lake_log "$name: started (pid $!, log $log)"
}

# Services whose readiness this run has already seen.
declare -A AWAITED=()

# Waits for a service once per run, however many services depend on it.
await_service() {
  [[ -n "${AWAITED[$1]:-}" ]] && return 0
  "await_$1"
  AWAITED[$1]=1
}

# Polls CHECK until it succeeds, the process dies, or the timeout passes.
await_ready() {
  local name="$1" what="$2"; shift 2
  local deadline=$((SECONDS + LAKE_START_TIMEOUT))
  until "$@" > /dev/null 2>&1; do
    if ! is_running "$name"; then
      tail -n 30 "$LAKE_LOG_DIR/$name.log" >&2 || true
      lake_die "$name exited before $what (log: $LAKE_LOG_DIR/$name.log)"
    fi
    if (( SECONDS >= deadline )); then
      tail -n 30 "$LAKE_LOG_DIR/$name.log" >&2 || true
      lake_die "$name: not $what after ${LAKE_START_TIMEOUT}s (log: $LAKE_LOG_DIR/$name.log)"
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------- kafka

kafka_java() {
  "$JAVA" -Xmx512m -Dlog4j.configuration="file:$STACK_DIR/conf/kafka/log4j.properties" \
    -cp "$(classpath_of kafka)" "$@"
}

topic_exists() {
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --describe --topic "$EVENTS_TOPIC" \
    2>/dev/null | grep -q "PartitionCount"
}

start_kafka() {
  ensure_built local-stack/kafka local-stack/kafka/target/classpath.txt
  render "$STACK_DIR/conf/kafka/server.properties" "$CONF_DIR/kafka/server.properties"
  if [[ ! -f "$DATA_DIR/kafka/meta.properties" ]]; then
    mkdir -p "$DATA_DIR/kafka"
    local cluster_id
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$CONF_DIR/kafka/server.properties" \
      >> "$LAKE_LOG_DIR/kafka.log" 2>&1 || lake_die "kafka: formatting the log folder failed (log: $LAKE_LOG_DIR/kafka.log)"
  fi
  launch kafka "$JAVA" -Xmx1g -Xms256m \
    -Dlog4j.configuration="file:$STACK_DIR/conf/kafka/log4j.properties" \
    -cp "$(classpath_of kafka)" kafka.Kafka "$CONF_DIR/kafka/server.properties"
}

await_kafka() {
  await_ready kafka "listening on $KAFKA_PORT" lake_port_open "$LAKE_HOST" "$KAFKA_PORT"
  if ! topic_exists; then
    await_ready kafka "able to create topic $EVENTS_TOPIC" kafka_java org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists --topic "$EVENTS_TOPIC" \
      --partitions "$EVENTS_PARTITIONS" --replication-factor 1 --config retention.ms=-1
  fi
  lake_log "kafka: ready on $KAFKA_BOOTSTRAP, topic $EVENTS_TOPIC"
}

# ---------------------------------------------------------------- hdfs

hdfs_command() {
  HDFS_COMMAND=("$JAVA" -Xmx512m --add-opens=java.base/java.lang=ALL-UNNAMED
    -Dhadoop.log.dir="$LAKE_LOG_DIR" -Dlog4j.configuration="file:$STACK_DIR/conf/hadoop/log4j.properties"
    -cp "$HADOOP_CONF_DIR:$(classpath_of hdfs)")
}

start_hdfs() {
  ensure_built local-stack/hdfs local-stack/hdfs/target/classpath.txt
  render "$STACK_DIR/conf/hadoop/core-site.xml" "$HADOOP_CONF_DIR/core-site.xml"
  render "$STACK_DIR/conf/hadoop/hdfs-site.xml" "$HADOOP_CONF_DIR/hdfs-site.xml"
  # The Maven jars lack the daemons' web apps; empty folders first on the classpath satisfy them.
  mkdir -p "$HADOOP_CONF_DIR"/webapps/{hdfs,datanode,static,secondary}
  if [[ ! -d "$DATA_DIR/hdfs/name/current" ]]; then
    mkdir -p "$DATA_DIR/hdfs" "$LAKE_LOG_DIR"
    hdfs_command
    "${HDFS_COMMAND[@]}" org.apache.hadoop.hdfs.server.namenode.NameNode -format -force -nonInteractive \
      >> "$LAKE_LOG_DIR/namenode.log" 2>&1 || lake_die "hdfs: formatting the NameNode failed (log: $LAKE_LOG_DIR/namenode.log)"
  fi
  hdfs_command
  is_running namenode || launch namenode "${HDFS_COMMAND[@]}" org.apache.hadoop.hdfs.server.namenode.NameNode
  is_running datanode || launch datanode "${HDFS_COMMAND[@]}" org.apache.hadoop.hdfs.server.datanode.DataNode
}

hdfs_live_datanodes() {
  curl -sf "http://$LAKE_HOST:$HDFS_HTTP_PORT/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState" \
    | grep -Eq '"NumLiveDataNodes" *: *[1-9]'
}

hdfs_out_of_safemode() {
  curl -sf "http://$LAKE_HOST:$HDFS_HTTP_PORT/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo" \
    | grep -Eq '"Safemode" *: *""'
}

await_hdfs() {
  await_ready namenode "listening on $HDFS_PORT" lake_port_open "$LAKE_HOST" "$HDFS_PORT"
  await_ready datanode "registered with the NameNode" hdfs_live_datanodes
  await_ready namenode "out of safe mode" hdfs_out_of_safemode
  lake_log "hdfs: ready on $HDFS_URI (web http://$LAKE_HOST:$HDFS_HTTP_PORT)"
}

# ---------------------------------------------------------------- metastore

start_metastore() {
  ensure_built local-stack/metastore local-stack/metastore/target/classpath.txt
  render "$LAKE_REPO_ROOT/hive/conf/metastore-site.xml" "$CONF_DIR/metastore/metastore-site.xml"
  cp "$LAKE_REPO_ROOT/hive/conf/metastore-log4j2.properties" "$CONF_DIR/metastore/metastore-log4j2.properties"
  mkdir -p "$DATA_DIR/metastore"
  # Derby writes derby.log into the working folder.
  launch metastore env --chdir="$DATA_DIR/metastore" "$JAVA" -Xmx512m \
    -Dlog4j.configurationFile="$CONF_DIR/metastore/metastore-log4j2.properties" \
    -cp "$CONF_DIR/metastore:$HADOOP_CONF_DIR:$(classpath_of metastore)" \
    org.apache.hadoop.hive.metastore.HiveMetaStore -p "$METASTORE_PORT"
}

await_metastore() {
  await_ready metastore "listening on $METASTORE_PORT" lake_port_open "$LAKE_HOST" "$METASTORE_PORT"
  lake_log "metastore: ready on $METASTORE_URI"
}

# ---------------------------------------------------------------- presto

presto_home() {
  local home
  home=$(ls -d "$STACK_DIR"/presto-server/target/presto-server-*/ 2>/dev/null | head -n 1)
  echo "${home%/}"
}

start_presto() {
  if [[ ! -d "$(presto_home)/lib" ]]; then
    ensure_built local-stack/presto-server local-stack/presto-server/target/presto-server-missing
  fi
  PRESTO_HOME="$(presto_home)"
  export PRESTO_HOME
  local etc="$LAKE_REPO_ROOT/presto/etc"
  for file in config.properties node.properties jvm.config log.properties catalog/hive.properties; do
    render "$etc/$file" "$PRESTO_CONF_DIR/$file"
  done
  mkdir -p "$PRESTO_DATA_DIR"
  local -a jvm_flags=() node_flags=()
  mapfile -t jvm_flags < <(grep -v '^\s*\(#\|$\)' "$PRESTO_CONF_DIR/jvm.config")
  while IFS= read -r line; do node_flags+=("-D$line"); done < <(grep -v '^\s*\(#\|$\)' "$PRESTO_CONF_DIR/node.properties")
  launch presto env --chdir="$PRESTO_DATA_DIR" "$JAVA" "${jvm_flags[@]}" "${node_flags[@]}" \
    -Dconfig="$PRESTO_CONF_DIR/config.properties" -Dlog.levels-file="$PRESTO_CONF_DIR/log.properties" \
    -cp "$PRESTO_HOME/lib/*" com.facebook.presto.server.PrestoServer
}

presto_active() {
  curl -sf "$PRESTO_URL/v1/info" | grep -q '"starting" *: *false' \
    && curl -sf "$PRESTO_URL/v1/cluster" | grep -Eq '"activeWorkers" *: *[1-9]'
}

await_presto() {
  await_ready presto "serving queries on $PRESTO_PORT" presto_active
  lake_log "presto: ready on $PRESTO_URL (catalog hive, schema default)"
}

# ---------------------------------------------------------------- api and streaming job

module_jar() {
  ls "$LAKE_REPO_ROOT/$1"/target/"$2"-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1
}

start_api() {
  [[ -n "$(module_jar api lake-api)" && -s "$LAKE_REPO_ROOT/api/target/classpath.txt" ]] \
    || ensure_built api api/target/classpath.txt
  launch api env API_PORT="$API_PORT" KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" EVENTS_TOPIC="$EVENTS_TOPIC" \
    "$JAVA" -Xmx512m -cp "$(module_jar api lake-api):$(cat "$LAKE_REPO_ROOT/api/target/classpath.txt")" \
    dev.bankinglake.api.ApiServer
}

await_api() {
  await_ready api "healthy on $API_PORT" curl -sf "$API_URL/health"
  lake_log "api: ready on $API_URL"
}

start_streaming() {
  [[ -n "$(module_jar spark-jobs lake-spark-jobs)" && -s "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt" ]] \
    || ensure_built spark-jobs spark-jobs/target/classpath.txt
  local -a jvm_flags=()
  mapfile -t jvm_flags < <(grep -v '^\s*\(#\|$\)' "$LAKE_REPO_ROOT/spark-jobs/jvm-options.txt")
  launch streaming "$JAVA" -Xmx2g "${jvm_flags[@]}" \
    -cp "$(module_jar spark-jobs lake-spark-jobs):$(cat "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt")" \
    dev.bankinglake.lake.StreamingJob
}

streaming_started() {
  grep -q "Streaming query started" "$LAKE_LOG_DIR/streaming.log"
}

await_streaming() {
  await_ready streaming "running its streaming query" streaming_started
  lake_log "streaming: running (log $LAKE_LOG_DIR/streaming.log)"
}

# ---------------------------------------------------------------- commands

selected() {
  if (( $# == 0 )); then
    echo "${ALL_SERVICES[@]}"
  else
    local service
    for service in "$@"; do
      [[ " ${ALL_SERVICES[*]} " == *" $service "* ]] || lake_die "unknown service '$service' (one of: ${ALL_SERVICES[*]})"
    done
    echo "$@"
  fi
}

service_running() {
  local process
  for process in $(processes_of "$1"); do
    is_running "$process" || return 1
  done
}

cmd_start() {
  local -a services
  read -r -a services <<< "$(selected "$@")"
  mkdir -p "$LAKE_LOG_DIR" "$PID_DIR"
  local started_at=$SECONDS service
  local -a to_await=()
  # Launch first, wait afterwards: the JVMs start side by side. The metastore needs HDFS
  # (it creates its warehouse folder there), so it waits for HDFS before launching.
  for service in "${services[@]}"; do
    if service_running "$service"; then
      lake_log "$service: already running"
      to_await+=("$service")
      continue
    fi
    case "$service" in
      metastore) [[ " ${services[*]} " == *" hdfs "* ]] && await_service hdfs ;;
      api) [[ " ${services[*]} " == *" kafka "* ]] && await_service kafka ;;
      streaming)
        for dependency in kafka hdfs metastore; do
          [[ " ${services[*]} " == *" $dependency "* ]] && await_service "$dependency"
        done ;;
    esac
    "start_$service"
    to_await+=("$service")
  done
  for service in "${to_await[@]}"; do
    await_service "$service"
  done
  lake_log "started ${services[*]} in $((SECONDS - started_at))s (state: $LAKE_STATE_DIR)"
}

stop_process() {
  local name="$1" pid
  pid=$(pid_of "$name")
  if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$PID_DIR/$name.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      lake_log "$name: did not stop within 30s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_DIR/$name.pid"
  lake_log "$name: stopped (pid $pid)"
}

cmd_stop() {
  local -a services
  read -r -a services <<< "$(selected "$@")"
  local index process
  for (( index=${#services[@]}-1; index>=0; index-- )); do
    for process in $(processes_of "${services[index]}"); do
      stop_process "$process"
    done
  done
}

cmd_status() {
  local -a services
  read -r -a services <<< "$(selected "$@")"
  local service process port state answers all_ok=0
  printf '%-10s %-10s %-8s %-8s %s\n' SERVICE PROCESS PID PORT STATE
  for service in "${services[@]}"; do
    for process in $(processes_of "$service"); do
      port=$(port_of "$process")
      if is_running "$process"; then
        if [[ -z "$port" ]] || lake_port_open "$LAKE_HOST" "$port"; then state="up, answering"; else state="up, NOT answering"; all_ok=1; fi
      else
        state="down"; all_ok=1
      fi
      printf '%-10s %-10s %-8s %-8s %s\n' "$service" "$process" "$(pid_of "$process")" "${port:--}" "$state"
    done
  done
  return "$all_ok"
}

cmd_env() {
  local name
  for name in LAKE_STATE_DIR LAKE_LOG_DIR LAKE_HOST KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_BOOTSTRAP EVENTS_TOPIC \
    EVENTS_PARTITIONS HDFS_PORT HDFS_HTTP_PORT HDFS_URI LAKE_ROOT LAKE_WAREHOUSE CHECKPOINT_DIR METASTORE_PORT \
    METASTORE_URI PRESTO_PORT PRESTO_URL API_PORT API_URL HADOOP_CONF_DIR; do
    printf '%s=%s\n' "$name" "${!name}"
  done
}

main() {
  local command="${1:-}"
  [[ -n "$command" ]] || { usage; exit 2; }
  shift
  case "$command" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    restart) cmd_stop "$@"; cmd_start "$@" ;;
    env) cmd_env ;;
    -h|--help|help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
