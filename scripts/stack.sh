#!/usr/bin/env bash
# Starts, stops and reports the services of the local stack, each as its own JVM process.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/stack.sh [--cluster] start|stop|status|restart [SERVICE...]

Runs the stack without Docker: every service is a real process started from artifacts
that Maven resolves from Maven Central. State, logs and pid files live under
$LAKE_STATE_DIR (default: .lake in the repository).

Services (default: all, in this order):
  kafka       Kafka broker + controller (KRaft), creates topic $EVENTS_TOPIC
  hdfs        HDFS NameNode and DataNode
  metastore   Hive Metastore (standalone, embedded Derby)
  presto      PrestoDB with the 'hive' catalog
  mosquitto   Mosquitto, the MQTT broker of the lake service's job requests and window updates
  api         the banking game API
  streaming   the lake service (Spark streaming: events -> lake tables), HTTP on
              $LAKE_SERVICE_PORT, run under a watchdog that restarts it (LAKE_WATCHDOG=off: bare)

  start     starts what is not running yet and waits until each service answers
            (streaming: until GET $LAKE_SERVICE_URL/health answers 200)
  stop      stops what this script started (in reverse order); a watchdog stops its service
  status    shows each process, its pid and port, and whether it answers; for streaming the
            /health answer and the watchdog's state (restarts, last exit, gave up);
            exits non-zero when something is down
  restart   stop, then start
  env       prints the resolved settings (NAME=value), for tools and tests

  --cluster (or LAKE_CLUSTER=on) runs the cluster shape instead (docs/scale-out.md):
  kafka       $KAFKA_CLUSTER_BROKERS KRaft nodes (broker + controller each: kafka, kafka-2, ...),
              topic $EVENTS_TOPIC at replication factor $EVENTS_REPLICATION_FACTOR, min.insync.replicas
              $EVENTS_MIN_INSYNC_REPLICAS; clients bootstrap from every node
  hdfs        the NameNode and $HDFS_DATANODES DataNodes (datanode, datanode-2, ...), dfs.replication
              $HDFS_REPLICATION
  presto      a coordinator (presto) that schedules no work itself and $PRESTO_WORKERS worker(s)
              (presto-worker-1, ...)
  spark       a Spark standalone master (spark-master) and $SPARK_WORKERS workers (spark-worker-1, ...)
  streaming   the lake service's driver, in client mode on that master ($SPARK_MASTER_URL)
  The state folder remembers the shape: later commands on it act on the cluster without --cluster.

A pid file is trusted only while its process is still the one this script started for that
name and state folder (ps args) and is not a zombie; anything else counts as down.

Ports, folders, heap sizes (KAFKA_HEAP_OPTS, HDFS_HEAP_OPTS, METASTORE_HEAP_OPTS, PRESTO_HEAP_OPTS,
API_HEAP_OPTS, LAKE_SERVICE_HEAP_OPTS; in the cluster also SPARK_MASTER_HEAP_OPTS, SPARK_WORKER_HEAP_OPTS,
SPARK_WORKER_CORES, SPARK_WORKER_MEMORY, SPARK_EXECUTOR_MEMORY, PRESTO_WORKER_HEAP_OPTS) and the watchdog's policy (LAKE_WATCHDOG_*) come from the
environment, see scripts/lib/env.sh (KAFKA_PORT, HDFS_PORT, METASTORE_PORT, PRESTO_PORT, API_PORT,
LAKE_SERVICE_PORT, LAKE_STATE_DIR, ...). The environment passes through to the services
(EVENTS_TOPIC, LAKE_ROOT, CHECKPOINT_DIR, HIVE_DATABASE, TRIGGER_INTERVAL, ...).
EOF
}

# the caller's own bootstrap servers, before env.sh sets the single-node default (see cluster_setup)
CALLER_KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

ALL_SERVICES=(kafka hdfs metastore presto mosquitto api streaming)
# on: the cluster shape (--cluster, LAKE_CLUSTER=on, or a state folder made by it), see cluster_setup
LAKE_CLUSTER="${LAKE_CLUSTER:-off}"
CONF_DIR="$LAKE_STATE_DIR/conf"
DATA_DIR="$LAKE_STATE_DIR/data"
PID_DIR="$LAKE_STATE_DIR/pids"
STACK_DIR="$LAKE_REPO_ROOT/local-stack"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Seconds to wait for a port that a dead process has not released yet.
PORT_RELEASE_WAIT=15

# ---------------------------------------------------------------- processes and templates

# Services that can run under a watchdog (local-stack/supervisor); LAKE_WATCHDOG_SERVICES says which do.
SUPERVISABLE=(streaming api)
WATCHDOG_MAIN=dev.bankinglake.supervisor.Watchdog
LAKE_SERVICE_MAIN=dev.bankinglake.service.LakeService

# The processes behind a service, in start order. A watchdog comes first: stopping it stops its service.
processes_of() {
  if cluster_mode; then
    case "$1" in
      kafka|hdfs|presto|spark) cluster_processes_of "$1"; return ;;
    esac
  fi
  case "$1" in
    hdfs) echo "namenode datanode" ;;
    streaming|api) echo "$1-watchdog $1" ;;
    *) echo "$1" ;;
  esac
}

is_supervisable() {
  [[ " ${SUPERVISABLE[*]} " == *" $1 "* ]]
}

# Whether this run starts the service under its watchdog.
watchdog_wanted() {
  is_supervisable "$1" || return 1
  case "$LAKE_WATCHDOG" in
    on) [[ " $LAKE_WATCHDOG_SERVICES " == *" $1 "* ]] ;;
    off) return 1 ;;
    *) lake_die "LAKE_WATCHDOG must be 'on' or 'off', was '$LAKE_WATCHDOG'" ;;
  esac
}

# The port a process answers on (a watchdog: its service's port, which must be free to start it).
port_of() {
  case "$1" in
    kafka-*|datanode-*|presto-worker*|spark-*) cluster_port_of "$1" ;;
    kafka) echo "$KAFKA_PORT" ;;
    namenode) echo "$HDFS_PORT" ;;
    datanode) echo "$HDFS_DATANODE_PORT" ;;
    metastore) echo "$METASTORE_PORT" ;;
    presto) echo "$PRESTO_PORT" ;;
    mosquitto) echo "$MQTT_PORT" ;;
    api|api-watchdog) echo "$API_PORT" ;;
    streaming|streaming-watchdog) echo "$LAKE_SERVICE_PORT" ;;
  esac
}

# The main class a process runs: part of what makes a pid ours.
main_class_of() {
  case "$1" in
    kafka|kafka-*) echo kafka.Kafka ;;
    namenode) echo org.apache.hadoop.hdfs.server.namenode.NameNode ;;
    datanode|datanode-*) echo org.apache.hadoop.hdfs.server.datanode.DataNode ;;
    metastore) echo dev.bankinglake.stack.metastore.BoundMetastore ;;
    presto|presto-worker*) echo com.facebook.presto.server.PrestoServer ;;
    spark-master) echo org.apache.spark.deploy.master.Master ;;
    spark-worker-*) echo org.apache.spark.deploy.worker.Worker ;;
    mosquitto) echo "-c $CONF_DIR/mosquitto/mosquitto.conf" ;;
    api) echo dev.bankinglake.api.ApiServer ;;
    streaming) echo "$LAKE_SERVICE_MAIN" ;;
    *-watchdog) echo "$WATCHDOG_MAIN" ;;
  esac
}

# Every JVM this script starts begins with these flags: its name and the state folder, so that a
# pid from a pid file is trusted only while it is still that process of this stack (the pid may
# have been reused by anything, including another stack's same service). Sets JVM.
jvm() {
  JVM=("$JAVA" "-Dlake.stack.process=$1" "-Dlake.stack.dir=$LAKE_STATE_DIR")
}

pid_of() {
  local file="$PID_DIR/$1.pid"
  [[ -f "$file" ]] && tr -dc '0-9' < "$file" || true
}

# What PID is for process NAME: ours (alive, started by this script as NAME for this state folder),
# zombie (dead, not reaped yet: kill -0 would still see it), gone, or foreign (another program).
# As Spark's sbin/spark-daemon.sh does, from `ps -o args=` rather than `kill -0`.
process_state() {
  local pid="$1" name="$2" line stat args
  if [[ -z "$pid" ]] || ! line=$(ps -ww -o stat= -o args= -p "$pid" 2>/dev/null) || [[ -z "$line" ]]; then
    echo gone; return
  fi
  read -r stat args <<< "$line"
  if [[ "$stat" == Z* ]]; then
    echo zombie; return
  fi
  # not a JVM: its config file, in this stack's state folder, makes it ours
  if [[ "$name" == mosquitto ]]; then
    [[ "$args " == *"mosquitto $(main_class_of mosquitto) "* ]] && echo ours || echo foreign
    return
  fi
  # the tags follow the java binary directly (a watchdog's args hold its child's command later on)
  local after_binary="${args#* }"
  if [[ "$after_binary " == "-Dlake.stack.process=$name -Dlake.stack.dir=$LAKE_STATE_DIR "* \
        && " $args " == *" $(main_class_of "$name") "* ]]; then
    echo ours
  else
    echo foreign
  fi
}

is_running() {
  [[ "$(process_state "$(pid_of "$1")" "$1")" == ours ]]
}

# Replaces ${VAR} with the variable's value; an unset variable is an error, not an empty string.
# Shared with the compose entrypoints (docker/), see scripts/lib/render.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib/render.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/secrets.sh"
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
    # a JVM killed a moment ago holds its port until the kernel has torn it down (seconds for a
    # large heap), while ps already shows it as a zombie
    lake_log "$name: port $port is still taken (by a process that just died?), waiting up to ${PORT_RELEASE_WAIT}s"
    local deadline=$((SECONDS + PORT_RELEASE_WAIT))
    while lake_port_open "$LAKE_HOST" "$port"; do
      if (( SECONDS >= deadline )); then
        lake_die "$name: port $port is already taken by another process (set its *_PORT variable, see scripts/lib/env.sh)"
      fi
      sleep 0.2
    done
  fi
  printf '\n==== %s starting %s\n' "$(date -u +%FT%TZ)" "$name" >> "$log"
  setsid "$@" >> "$log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$PID_DIR/$name.pid"
  # until setsid has exec'd the JVM, ps shows another command line: do not report it as dead
  local tries
  for (( tries = 0; tries < 50; tries++ )); do
    [[ "$(process_state "$pid" "$name")" == foreign ]] || break
    sleep 0.1
  done
  lake_log "$name: started (pid $pid, log $log)"
}

# Splits a *_HEAP_OPTS value into flags. Sets HEAP.
heap() {
  read -r -a HEAP <<< "$1"
}

# Starts service NAME (streaming, api) from the command its NAME_command sets: under a watchdog
# that writes the service's pid file and restarts it, or bare when LAKE_WATCHDOG says so.
launch_supervisable() {
  local name="$1"
  "${name}_command"
  if ! watchdog_wanted "$name"; then
    launch "$name" "${SERVICE_COMMAND[@]}"
    return
  fi
  [[ -n "$(module_jar local-stack/supervisor local-stack-supervisor)" && -s "$STACK_DIR/supervisor/target/classpath.txt" ]] \
    || ensure_built local-stack/supervisor local-stack/supervisor/target/classpath.txt
  # a pid file from an earlier run must not name the new service before the watchdog rewrites it
  rm -f "$PID_DIR/$name.pid"
  jvm "$name-watchdog"
  heap "$LAKE_WATCHDOG_HEAP_OPTS"
  launch "$name-watchdog" "${JVM[@]}" "${HEAP[@]}" \
    -cp "$(module_jar local-stack/supervisor local-stack-supervisor):$(classpath_of supervisor)" "$WATCHDOG_MAIN" \
    --name "$name" --log "$LAKE_LOG_DIR/$name.log" --pid-file "$PID_DIR/$name.pid" --status-file "$(watchdog_status_file "$name")" \
    --initial-backoff "$LAKE_WATCHDOG_INITIAL_BACKOFF" --max-backoff "$LAKE_WATCHDOG_MAX_BACKOFF" \
    --max-failures "$LAKE_WATCHDOG_MAX_FAILURES" --window "$LAKE_WATCHDOG_WINDOW" --stop-timeout "${LAKE_STOP_TIMEOUT}s" \
    -- "${SERVICE_COMMAND[@]}"
}

watchdog_status_file() {
  echo "$PID_DIR/$1-watchdog.json"
}

# One field of a watchdog's status file (flat JSON, one field per line); empty when null or absent.
watchdog_field() {
  local file="$1" field="$2" line
  line=$(grep -m 1 "^  \"$field\": " "$file" 2>/dev/null) || return 0
  line="${line#*\": }"
  line="${line%,}"
  [[ "$line" == \"*\" ]] && line="${line:1:${#line}-2}"
  [[ "$line" == null ]] && line=""
  printf '%s' "$line"
}

# Why a watchdog is not running, from its status file: gave up (with its numbers) or stopped.
watchdog_outcome() {
  local file
  file=$(watchdog_status_file "$1")
  [[ -f "$file" ]] || return 0
  case "$(watchdog_field "$file" state)" in
    gave-up) printf 'GAVE UP after %s failures within %ss (LAKE_WATCHDOG_MAX_FAILURES=%s), last exit code %s at %s' \
      "$(watchdog_field "$file" failures_in_window)" "$(watchdog_field "$file" window_seconds)" "$(watchdog_field "$file" max_failures)" \
      "$(watchdog_field "$file" last_exit_code)" "$(watchdog_field "$file" last_exit_at)" ;;
    stopped) printf 'stopped at %s' "$(watchdog_field "$file" updated_at)" ;;
    *) printf 'ended while %s (killed?), last update %s' "$(watchdog_field "$file" state)" "$(watchdog_field "$file" updated_at)" ;;
  esac
}

# GET URL: sets HTTP_CODE (000 when nothing answers) and HTTP_BODY.
http_probe() {
  local answer
  answer=$(curl -s -m 3 -w '\n%{http_code}' "$1" 2>/dev/null) || true
  HTTP_CODE="${answer##*$'\n'}"
  HTTP_BODY="${answer%$'\n'*}"
  [[ "$HTTP_CODE" =~ ^[0-9]{3}$ ]] || HTTP_CODE=000
}

# The "reason" of a JSON health answer, or the body itself.
health_reason() {
  local reason
  reason=$(sed -n 's/.*"reason" *: *"\(\([^"\\]\|\\.\)*\)".*/\1/p' <<< "$HTTP_BODY" | head -n 1)
  printf '%s' "${reason:-$HTTP_BODY}"
}

# Services whose readiness this run has already seen.
declare -A AWAITED=()

# Waits for a service once per run, however many services depend on it.
await_service() {
  [[ -n "${AWAITED[$1]:-}" ]] && return 0
  "await_$1"
  AWAITED[$1]=1
}

# Polls CHECK until it succeeds, the process dies, or the timeout passes. For a service under a
# watchdog, the watchdog is the process that must stay alive: the service may restart meanwhile.
await_ready() {
  local name="$1" what="$2"; shift 2
  local watched="$name"
  if is_supervisable "$name" && is_running "$name-watchdog"; then
    watched="$name-watchdog"
  fi
  local deadline=$((SECONDS + LAKE_START_TIMEOUT))
  until "$@" > /dev/null 2>&1; do
    if ! is_running "$watched"; then
      tail -n 30 "$LAKE_LOG_DIR/$name.log" >&2 || true
      if [[ "$watched" == *-watchdog ]]; then
        lake_die "$name: its watchdog ended before $name was $what: $(watchdog_outcome "$name") (logs: $LAKE_LOG_DIR/$name.log, $LAKE_LOG_DIR/$watched.log)"
      fi
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
  if cluster_mode; then
    start_kafka_cluster
    return
  fi
  render "$STACK_DIR/conf/kafka/server.properties" "$CONF_DIR/kafka/server.properties"
  if [[ ! -f "$DATA_DIR/kafka/meta.properties" ]]; then
    mkdir -p "$DATA_DIR/kafka"
    local cluster_id
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$CONF_DIR/kafka/server.properties" \
      >> "$LAKE_LOG_DIR/kafka.log" 2>&1 || lake_die "kafka: formatting the log folder failed (log: $LAKE_LOG_DIR/kafka.log)"
  fi
  jvm kafka
  heap "$KAFKA_HEAP_OPTS"
  launch kafka "${JVM[@]}" "${HEAP[@]}" \
    -Dlog4j.configuration="file:$STACK_DIR/conf/kafka/log4j.properties" \
    -cp "$(classpath_of kafka)" kafka.Kafka "$CONF_DIR/kafka/server.properties"
}

await_kafka() {
  if cluster_mode; then
    await_kafka_cluster
    return
  fi
  await_ready kafka "listening on $KAFKA_PORT" lake_port_open "$LAKE_HOST" "$KAFKA_PORT"
  if ! topic_exists; then
    await_ready kafka "able to create topic $EVENTS_TOPIC" kafka_java org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists --topic "$EVENTS_TOPIC" \
      --partitions "$EVENTS_PARTITIONS" --replication-factor 1 --config retention.ms=-1
  fi
  lake_log "kafka: ready on $KAFKA_BOOTSTRAP, topic $EVENTS_TOPIC"
}

# ---------------------------------------------------------------- hdfs

# Sets HDFS_COMMAND for process NAME (namenode, datanode).
hdfs_command() {
  jvm "$1"
  heap "$HDFS_HEAP_OPTS"
  HDFS_COMMAND=("${JVM[@]}" "${HEAP[@]}" --add-opens=java.base/java.lang=ALL-UNNAMED
    -Dhadoop.log.dir="$LAKE_LOG_DIR" -Dlog4j.configuration="file:$STACK_DIR/conf/hadoop/log4j.properties"
    -cp "$HADOOP_CONF_DIR:$(classpath_of hdfs)")
}

start_hdfs() {
  ensure_built local-stack/hdfs local-stack/hdfs/target/classpath.txt
  render "$STACK_DIR/conf/hadoop/core-site.xml" "$HADOOP_CONF_DIR/core-site.xml"
  render "$STACK_DIR/conf/hadoop/hdfs-site.xml" "$HADOOP_CONF_DIR/hdfs-site.xml"
  # clients decide how many copies a file gets: the cluster's replication goes into their hdfs-site.xml
  cluster_mode && xml_set_property "$HADOOP_CONF_DIR/hdfs-site.xml" dfs.replication "$HDFS_REPLICATION"
  # The Maven jars lack the daemons' web apps; empty folders first on the classpath satisfy them.
  mkdir -p "$HADOOP_CONF_DIR"/webapps/{hdfs,datanode,static,secondary}
  if [[ ! -d "$DATA_DIR/hdfs/name/current" ]]; then
    mkdir -p "$DATA_DIR/hdfs" "$LAKE_LOG_DIR"
    hdfs_command namenode-format
    "${HDFS_COMMAND[@]}" org.apache.hadoop.hdfs.server.namenode.NameNode -format -force -nonInteractive \
      >> "$LAKE_LOG_DIR/namenode.log" 2>&1 || lake_die "hdfs: formatting the NameNode failed (log: $LAKE_LOG_DIR/namenode.log)"
  fi
  if ! is_running namenode; then
    hdfs_command namenode
    launch namenode "${HDFS_COMMAND[@]}" org.apache.hadoop.hdfs.server.namenode.NameNode
  fi
  if ! is_running datanode; then
    hdfs_command datanode
    launch datanode "${HDFS_COMMAND[@]}" org.apache.hadoop.hdfs.server.datanode.DataNode
  fi
  cluster_mode && start_extra_datanodes
  return 0
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
  cluster_mode && await_ready namenode "seeing $HDFS_DATANODES live DataNodes" hdfs_live_datanodes_at_least "$HDFS_DATANODES"
  await_ready namenode "out of safe mode" hdfs_out_of_safemode
  lake_log "hdfs: ready on $HDFS_URI (web http://$LAKE_HOST:$HDFS_HTTP_PORT)"
}

# ---------------------------------------------------------------- metastore

start_metastore() {
  [[ -n "$(module_jar local-stack/metastore local-stack-metastore)" && -s "$STACK_DIR/metastore/target/classpath.txt" ]] \
    || ensure_built local-stack/metastore local-stack/metastore/target/classpath.txt
  render "$LAKE_REPO_ROOT/hive/conf/metastore-site.xml" "$CONF_DIR/metastore/metastore-site.xml"
  cp "$LAKE_REPO_ROOT/hive/conf/metastore-log4j2.properties" "$CONF_DIR/metastore/metastore-log4j2.properties"
  mkdir -p "$DATA_DIR/metastore"
  # Derby writes derby.log into the working folder.
  jvm metastore
  heap "$METASTORE_HEAP_OPTS"
  launch metastore env --chdir="$DATA_DIR/metastore" "${JVM[@]}" "${HEAP[@]}" \
    -Dlog4j.configurationFile="$CONF_DIR/metastore/metastore-log4j2.properties" \
    -cp "$CONF_DIR/metastore:$HADOOP_CONF_DIR:$(module_jar local-stack/metastore local-stack-metastore):$(classpath_of metastore)" \
    dev.bankinglake.stack.metastore.BoundMetastore -p "$METASTORE_PORT"
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
  # presto_home is empty before the first build: "/lib" must not pass for the server's lib folder
  if [[ -z "$(presto_home)" || ! -d "$(presto_home)/lib" ]]; then
    ensure_built local-stack/presto-server local-stack/presto-server/target/presto-server-missing
  fi
  PRESTO_HOME="$(presto_home)"
  export PRESTO_HOME
  local etc="$LAKE_REPO_ROOT/presto/etc" template
  # every file of presto/etc (config, catalogs, access control), as the compose entrypoint does;
  # the rendered configuration holds secrets: its folder is the owner's only
  lake_presto_secrets_ensure
  lake_presto_node_keystore "$PRESTO_KEYSTORE" 127.0.0.1 localhost "$LAKE_HOST" "$LAKE_BIND_ADDRESS" "$PRESTO_INTERNAL_ADDRESS"
  rm -rf "${PRESTO_CONF_DIR:?}"
  ( umask 077; mkdir -p "$PRESTO_CONF_DIR" )
  while IFS= read -r -d '' template; do
    lake_presto_render "$template" "$PRESTO_CONF_DIR/${template#"$etc"/}"
  done < <(find "$etc" -type f -print0)
  mkdir -p "$PRESTO_DATA_DIR"
  # Presto reads etc/access-control.properties relative to its working folder; the Presto
  # launcher links <data>/etc to the configuration, so do the same
  ln -sfn "$PRESTO_CONF_DIR" "$PRESTO_DATA_DIR/etc"
  local -a jvm_flags=() node_flags=() words=()
  # one flag per line, except the ${PRESTO_HEAP_OPTS} line, which may hold several
  while IFS= read -r line; do
    read -r -a words <<< "$line"
    jvm_flags+=("${words[@]}")
  done < <(grep -v '^\s*\(#\|$\)' "$PRESTO_CONF_DIR/jvm.config")
  while IFS= read -r line; do node_flags+=("-D$line"); done < <(grep -v '^\s*\(#\|$\)' "$PRESTO_CONF_DIR/node.properties")
  # in the cluster the coordinator only plans: the workers run every query's splits; a query that
  # finds no worker waits PRESTO_WORKERS_MAX_WAIT for one, then fails saying so (Presto's default: 5m)
  cluster_mode && properties_set "$PRESTO_CONF_DIR/config.properties" node-scheduler.include-coordinator=false \
    "query-manager.required-workers-max-wait=$PRESTO_WORKERS_MAX_WAIT"
  if ! cluster_mode || ! is_running presto; then
    jvm presto
    launch presto env --chdir="$PRESTO_DATA_DIR" "${JVM[@]}" "${jvm_flags[@]}" "${node_flags[@]}" \
      -Dconfig="$PRESTO_CONF_DIR/config.properties" -Dlog.levels-file="$PRESTO_CONF_DIR/log.properties" \
      -cp "$PRESTO_HOME/lib/*" com.facebook.presto.server.PrestoServer
  fi
  cluster_mode && start_presto_workers
  return 0
}

presto_active() {
  lake_presto_curl "$PRESTO_URL/v1/info" | grep -q '"starting" *: *false' \
    && lake_presto_curl "$PRESTO_URL/v1/cluster" | grep -Eq '"activeWorkers" *: *[1-9]'
}

await_presto() {
  if cluster_mode; then
    await_presto_cluster
    return
  fi
  await_ready presto "serving queries on $PRESTO_PORT" presto_active
  lake_log "presto: ready on $PRESTO_URL (catalog hive, schema default)"
}

# ---------------------------------------------------------------- mosquitto

start_mosquitto() {
  local binary
  binary=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  [[ -x "$binary" ]] || lake_die "mosquitto: not installed (scripts/setup.sh installs the Debian package mosquitto)"
  mkdir -p "$DATA_DIR/mosquitto" "$CONF_DIR/mosquitto"
  lake_mosquitto_password_file "$CONF_DIR/mosquitto/passwords"
  cp "$STACK_DIR/conf/mosquitto/acl" "$CONF_DIR/mosquitto/acl"
  MQTT_USER="$(id -un)" MQTT_DATA_DIR="$DATA_DIR/mosquitto" MQTT_PASSWORD_DB="$CONF_DIR/mosquitto/passwords" \
    MQTT_ACL_FILE="$CONF_DIR/mosquitto/acl" render "$STACK_DIR/conf/mosquitto/mosquitto.conf" "$CONF_DIR/mosquitto/mosquitto.conf"
  launch mosquitto "$binary" $(main_class_of mosquitto)
}

# A real MQTT exchange: the viewer logs in and publishes (QoS 1, so the broker must acknowledge;
# its ACL drops the message itself). Its password goes through mosquitto_pub's options file.
mosquitto_answers() {
  local options="$LAKE_SECRETS_DIR/probe"
  if [[ ! -s "$options/mosquitto_pub" ]]; then
    ( umask 077; mkdir -p "$options"
      printf -- '-u lake-viewer\n-P %s\n' "$(head -n 1 "$(lake_mqtt_password_file lake-viewer)")" > "$options/mosquitto_pub" )
  fi
  XDG_CONFIG_HOME="$options" mosquitto_pub -h "$LAKE_HOST" -p "$MQTT_PORT" -q 1 -t lake/stack/probe -m ready -i "stack-probe-$$"
}

await_mosquitto() {
  await_ready mosquitto "accepting MQTT clients on $MQTT_PORT" mosquitto_answers
  lake_log "mosquitto: ready on $MQTT_URI"
}

# ---------------------------------------------------------------- api and streaming job

module_jar() {
  ls "$LAKE_REPO_ROOT/$1"/target/"$2"-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1
}

# Sets SERVICE_COMMAND: the API's JVM.
api_command() {
  [[ -n "$(module_jar api lake-api)" && -s "$LAKE_REPO_ROOT/api/target/classpath.txt" ]] \
    || ensure_built api api/target/classpath.txt
  jvm api
  heap "$API_HEAP_OPTS"
  SERVICE_COMMAND=("${JVM[@]}" "${HEAP[@]}" -cp "$(module_jar api lake-api):$(cat "$LAKE_REPO_ROOT/api/target/classpath.txt")" \
    dev.bankinglake.api.ApiServer)
}

start_api() {
  launch_supervisable api
}

await_api() {
  await_ready api "healthy on $API_PORT" curl -sf -m 3 "$API_URL/health"
  lake_log "api: ready on $API_URL"
}

# The job router the lake service reads (JOB_ROUTER_FILE): a copy of the bundled jobs.json, yours
# to edit. A copy nobody edited (its checksum is the one recorded when it was copied) follows the
# bundled file when that changes, so a new job or parameter reaches an existing state folder; an
# edited one is left alone, with a note when the bundled file moved on.
install_job_router() {
  local bundled="$LAKE_REPO_ROOT/spark-jobs/src/main/resources/jobs.json" recorded="$JOB_ROUTER_FILE.bundled-sha256"
  if [[ ! -f "$JOB_ROUTER_FILE" ]]; then
    mkdir -p "$(dirname "$JOB_ROUTER_FILE")"
    cp "$bundled" "$JOB_ROUTER_FILE"
    sha256sum < "$bundled" | cut -d' ' -f1 > "$recorded"
    return
  fi
  cmp -s "$bundled" "$JOB_ROUTER_FILE" && return
  if [[ -f "$recorded" && "$(sha256sum < "$JOB_ROUTER_FILE" | cut -d' ' -f1)" == "$(cat "$recorded")" ]]; then
    cp "$bundled" "$JOB_ROUTER_FILE"
    sha256sum < "$bundled" | cut -d' ' -f1 > "$recorded"
    lake_log "job router: $JOB_ROUTER_FILE updated to the bundled jobs.json"
  else
    lake_log "job router: $JOB_ROUTER_FILE differs from the bundled spark-jobs/src/main/resources/jobs.json and was edited; left as it is"
  fi
}

# Sets SERVICE_COMMAND: the lake service's JVM. It reads its settings from the environment
# (KAFKA_BOOTSTRAP, EVENTS_TOPIC, LAKE_ROOT, CHECKPOINT_DIR, METASTORE_URI, HIVE_DATABASE,
# HADOOP_CONF_DIR, SPARK_MASTER, TRIGGER_INTERVAL, MAX_OFFSETS_PER_TRIGGER, LAKE_SERVICE_PORT),
# which passes through this script and the watchdog unchanged.
streaming_command() {
  [[ -n "$(module_jar spark-jobs lake-spark-jobs)" && -s "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt" ]] \
    || ensure_built spark-jobs spark-jobs/target/classpath.txt
  local -a jvm_flags=()
  mapfile -t jvm_flags < <(grep -v '^\s*\(#\|$\)' "$LAKE_REPO_ROOT/spark-jobs/jvm-options.txt")
  install_job_router
  jvm streaming
  heap "$LAKE_SERVICE_HEAP_OPTS"
  if cluster_mode; then
    streaming_cluster_command "${jvm_flags[@]}"
    return
  fi
  SERVICE_COMMAND=("${JVM[@]}" "${HEAP[@]}" "${jvm_flags[@]}" \
    -cp "$(module_jar spark-jobs lake-spark-jobs):$(cat "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt")" \
    "$LAKE_SERVICE_MAIN")
}

start_streaming() {
  launch_supervisable streaming
}

lake_service_healthy() {
  http_probe "$LAKE_SERVICE_URL/health"
  [[ "$HTTP_CODE" == 200 ]]
}

await_streaming() {
  await_ready streaming "healthy (GET $LAKE_SERVICE_URL/health = 200)" lake_service_healthy
  lake_log "streaming: healthy on $LAKE_SERVICE_URL (log $LAKE_LOG_DIR/streaming.log)"
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

# Running: every process of the service is; for a service with a watchdog, the watchdog is (its
# service may be restarting) or the service itself is (bare, or left without its watchdog).
service_running() {
  if is_supervisable "$1"; then
    is_running "$1-watchdog" || is_running "$1"
    return
  fi
  local process
  for process in $(processes_of "$1"); do
    is_running "$process" || return 1
  done
}

# Says how a running service runs, when that is worth saying.
report_running() {
  local service="$1"
  if ! is_supervisable "$service"; then
    lake_log "$service: already running"
  elif is_running "$service-watchdog"; then
    if is_running "$service"; then
      lake_log "$service: already running (pid $(pid_of "$service"), under its watchdog pid $(pid_of "$service-watchdog"))"
    else
      lake_log "$service: its watchdog (pid $(pid_of "$service-watchdog")) is restarting it: $(watchdog_field "$(watchdog_status_file "$service")" message)"
    fi
  elif watchdog_wanted "$service"; then
    lake_log "$service: running (pid $(pid_of "$service")) WITHOUT its watchdog; 'scripts/stack.sh restart $service' puts it under one"
  else
    lake_log "$service: already running (pid $(pid_of "$service"))"
  fi
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
      report_running "$service"
      to_await+=("$service")
      continue
    fi
    case "$service" in
      metastore) [[ " ${services[*]} " == *" hdfs "* ]] && await_service hdfs ;;
      api) [[ " ${services[*]} " == *" kafka "* ]] && await_service kafka ;;
      streaming)
        for dependency in kafka hdfs metastore spark; do
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

# Stops a process this script started: SIGTERM, then SIGKILL after the timeout. A pid that is no
# longer ours (gone, a zombie, another program) is left alone and its pid file removed.
stop_process() {
  local name="$1" pid state
  pid=$(pid_of "$name")
  state=$(process_state "$pid" "$name")
  if [[ "$state" != ours ]]; then
    if [[ "$state" == zombie || "$state" == foreign ]]; then
      lake_log "$name: pid $pid of $PID_DIR/$name.pid is $state, not a running $name: left alone"
    fi
    rm -f "$PID_DIR/$name.pid"
    # what a watchdog that gave up or was killed recorded is history once its service is stopped
    [[ "$name" == *-watchdog ]] && rm -f "$(watchdog_status_file "${name%-watchdog}")"
    return 0
  fi
  # a watchdog first stops its service, which may take LAKE_STOP_TIMEOUT itself
  local timeout=$LAKE_STOP_TIMEOUT
  [[ "$name" == *-watchdog ]] && timeout=$((LAKE_STOP_TIMEOUT + 15))
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while [[ "$(process_state "$pid" "$name")" == ours ]]; do
    if (( SECONDS >= deadline )); then
      lake_log "$name: did not stop within ${timeout}s, killing it"
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
    if cluster_mode && [[ "${services[index]}" == kafka ]]; then
      stop_processes_together $(processes_of kafka)
      continue
    fi
    for process in $(processes_of "${services[index]}"); do
      stop_process "$process"
    done
  done
}

# The STATE column of one process, and whether it counts as up (STATE_OK).
process_status() {
  local process="$1" port="$2" pid state
  pid=$(pid_of "$process")
  state=$(process_state "$pid" "$process")
  STATE_OK=0
  if [[ "$process" == *-watchdog ]]; then
    local service="${process%-watchdog}" file
    file=$(watchdog_status_file "$service")
    if [[ "$state" == ours ]]; then
      STATE="up, $(watchdog_field "$file" state); restarts $(watchdog_field "$file" restarts)"
      local exit_code
      exit_code=$(watchdog_field "$file" last_exit_code)
      if [[ -n "$exit_code" ]]; then
        STATE+=", last exit code $exit_code at $(watchdog_field "$file" last_exit_at)"
      fi
    elif ! watchdog_wanted "$service"; then
      STATE="off (LAKE_WATCHDOG)"
    elif [[ -n "$(watchdog_outcome "$service")" ]]; then
      STATE="down, $(watchdog_outcome "$service")"
      STATE_OK=1
    else
      STATE="down"; STATE_OK=1
    fi
  elif [[ "$state" == ours ]]; then
    case "$process" in
      streaming)
        http_probe "$LAKE_SERVICE_URL/health"
        case "$HTTP_CODE" in
          200) STATE="up, healthy (/health 200)" ;;
          000) STATE="up, /health NOT answering"; STATE_OK=1 ;;
          *) STATE="up, NOT healthy (/health $HTTP_CODE): $(health_reason)"; STATE_OK=1 ;;
        esac ;;
      *)
        if [[ -z "$port" ]] || lake_port_open "$LAKE_HOST" "$port"; then STATE="up, answering"; else STATE="up, NOT answering"; STATE_OK=1; fi ;;
    esac
  else
    STATE="down"; STATE_OK=1
    case "$state" in
      zombie) STATE+=" (pid $pid is a zombie: it died and is not reaped yet)" ;;
      foreign) STATE+=" (pid $pid of its pid file is another program now)" ;;
    esac
    if is_supervisable "$process" && is_running "$process-watchdog"; then
      local file
      file=$(watchdog_status_file "$process")
      STATE+=", its watchdog starts it again at $(watchdog_field "$file" next_start_at)"
    fi
  fi
}

cmd_status() {
  local -a services
  read -r -a services <<< "$(selected "$@")"
  local service process port all_ok=0
  printf '%-10s %-19s %-8s %-6s %s\n' SERVICE PROCESS PID PORT STATE
  for service in "${services[@]}"; do
    for process in $(processes_of "$service"); do
      port=$(port_of "$process")
      [[ "$process" == *-watchdog ]] && port=""
      process_status "$process" "$port"
      (( STATE_OK == 0 )) || all_ok=1
      [[ "$process" == *-watchdog && "$STATE" == "off (LAKE_WATCHDOG)" ]] && continue
      printf '%-10s %-19s %-8s %-6s %s\n' "$service" "$process" "$(pid_of "$process")" "${port:--}" "$STATE"
    done
  done
  status_exposure "${services[@]}"
  return "$all_ok"
}

# What the running processes listen on, from the kernel's socket table (ss): the ports on
# LAKE_BIND_ADDRESS, and those on every interface, which no setting of theirs moves (Presto's
# Drift server and the JDK's local JMX connector; README, "Who may reach what").
status_exposure() {
  command -v ss > /dev/null 2>&1 || return 0
  local service process pid line address bound="" loopback="" wildcard=""
  local table
  table=$(ss -Hltnp 2>/dev/null) || return 0
  for service in "$@"; do
    for process in $(processes_of "$service"); do
      pid=$(pid_of "$process")
      [[ -n "$pid" ]] || continue
      while read -r line; do
        address=$(awk '{print $4}' <<< "$line")
        case "$address" in
          '*:'*|0.0.0.0:*|'[::]:'*) wildcard+="${wildcard:+, }${address##*:} ($process)" ;;
          127.*|'[::ffff:127.'*|'[::1]:'*) [[ "$LAKE_BIND_ADDRESS" == 127.* ]] && bound+="${bound:+, }${address##*:}" \
            || loopback+="${loopback:+, }${address##*:}" ;;
          *) bound+="${bound:+, }${address##*:}" ;;
        esac
      done < <(grep -F "pid=$pid," <<< "$table")
    done
  done
  [[ -z "$bound" ]] || printf 'listening on %s (LAKE_BIND_ADDRESS): %s\n' "$LAKE_BIND_ADDRESS" "$bound"
  [[ -z "$loopback" ]] || printf 'listening on loopback only (internal): %s\n' "$loopback"
  case "$LAKE_BIND_ADDRESS" in
    0.0.0.0|::|'[::]') [[ -z "$wildcard" ]] || printf 'listening on every interface (LAKE_BIND_ADDRESS=%s): %s\n' "$LAKE_BIND_ADDRESS" "$wildcard" ;;
    *) [[ -z "$wildcard" ]] || printf 'listening on every interface (no setting of the engine removes it; firewall them): %s\n' "$wildcard" ;;
  esac
}

cmd_env() {
  local name
  for name in LAKE_STATE_DIR LAKE_LOG_DIR LAKE_BIND_ADDRESS LAKE_HOST LAKE_SECRETS_DIR LAKE_OPERATOR_TOKEN_FILE MQTT_USERNAME MQTT_PASSWORD_FILE KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_BOOTSTRAP EVENTS_TOPIC \
    EVENTS_PARTITIONS HDFS_PORT HDFS_HTTP_PORT HDFS_URI LAKE_ROOT LAKE_WAREHOUSE CHECKPOINT_DIR METASTORE_PORT \
    METASTORE_URI PRESTO_PORT PRESTO_URL PRESTO_TRUSTSTORE PRESTO_TRUSTSTORE_PASSWORD PRESTO_CA_CERT PRESTO_ANALYTICS_PASSWORD_FILE MQTT_PORT MQTT_URI API_PORT API_URL LAKE_SERVICE_PORT LAKE_SERVICE_URL HADOOP_CONF_DIR \
    LAKE_WATCHDOG LAKE_WATCHDOG_SERVICES LAKE_WATCHDOG_INITIAL_BACKOFF LAKE_WATCHDOG_MAX_BACKOFF LAKE_WATCHDOG_MAX_FAILURES \
    LAKE_WATCHDOG_WINDOW LAKE_START_TIMEOUT LAKE_STOP_TIMEOUT KAFKA_HEAP_OPTS HDFS_HEAP_OPTS METASTORE_HEAP_OPTS PRESTO_HEAP_OPTS \
    API_HEAP_OPTS LAKE_SERVICE_HEAP_OPTS LAKE_WATCHDOG_HEAP_OPTS LAKE_CLUSTER KAFKA_CLUSTER_BROKERS EVENTS_REPLICATION_FACTOR \
    EVENTS_MIN_INSYNC_REPLICAS HDFS_DATANODES HDFS_REPLICATION PRESTO_WORKERS PRESTO_WORKER_PORT SPARK_WORKERS SPARK_MASTER_PORT \
    SPARK_MASTER_WEBUI_PORT SPARK_WORKER_PORT SPARK_WORKER_WEBUI_PORT SPARK_DRIVER_PORT SPARK_BLOCK_MANAGER_PORT SPARK_MASTER_URL \
    SPARK_MASTER_HEAP_OPTS SPARK_WORKER_HEAP_OPTS SPARK_WORKER_CORES SPARK_WORKER_MEMORY SPARK_EXECUTOR_MEMORY PRESTO_WORKER_HEAP_OPTS \
    PRESTO_WORKERS_MAX_WAIT; do
    printf '%s=%s\n' "$name" "${!name}"
  done
}

main() {
  local -a arguments=()
  local argument
  for argument in "$@"; do
    if [[ "$argument" == --cluster ]]; then LAKE_CLUSTER=on; else arguments+=("$argument"); fi
  done
  set -- "${arguments[@]}"
  local command="${1:-}"
  [[ -n "$command" ]] || { usage; exit 2; }
  shift
  [[ "$command" == -h || "$command" == --help || "$command" == help ]] || cluster_setup "$command"
  if [[ "$command" == start || "$command" == restart ]]; then
    lake_secrets_ensure
    # the services read the token from its file: a variable would show in their environment
    unset LAKE_OPERATOR_TOKEN
  fi
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

source "$(dirname "${BASH_SOURCE[0]}")/lib/cluster.sh"

main "$@"
