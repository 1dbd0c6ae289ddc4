# The cluster shape of scripts/stack.sh (--cluster): several Kafka nodes, extra DataNodes, Presto
# workers, a Spark standalone master and workers, and the lake service's driver on that master.
# Sourced by scripts/stack.sh after its own functions, which it uses (launch, render, jvm, heap,
# is_running, await_ready, ...). Sizes and ports: scripts/lib/env.sh; what changes on N machines:
# docs/scale-out.md.

cluster_mode() {
  [[ "$LAKE_CLUSTER" == on ]]
}

# A state folder keeps the shape it was made with: this file says it was made by --cluster.
cluster_marker() {
  echo "$LAKE_STATE_DIR/cluster-shape"
}

# Decides the shape for COMMAND and sets what depends on it: the services, the bootstrap servers
# of Kafka's clients (every node, so that a client starts while any one node is down) and the
# master the lake service's driver submits to.
cluster_setup() {
  local command="$1"
  case "$LAKE_CLUSTER" in
    on|off) ;;
    *) lake_die "LAKE_CLUSTER must be 'on' or 'off', was '$LAKE_CLUSTER'" ;;
  esac
  if ! cluster_mode && [[ -f "$(cluster_marker)" ]]; then
    LAKE_CLUSTER=on
    [[ "$command" == start || "$command" == restart ]] && lake_log "state folder $LAKE_STATE_DIR holds a cluster: starting the cluster shape"
  fi
  export LAKE_CLUSTER
  cluster_mode || return 0
  if [[ ( "$command" == start || "$command" == restart ) && ! -f "$(cluster_marker)" ]]; then
    if [[ -d "$DATA_DIR/kafka" || -d "$DATA_DIR/hdfs" ]]; then
      lake_die "--cluster: $LAKE_STATE_DIR holds a single-node stack; stop it and use another LAKE_STATE_DIR (or remove this one)"
    fi
    mkdir -p "$LAKE_STATE_DIR"
    printf 'kafka nodes %s, datanodes %s, presto workers %s, spark workers %s\n' \
      "$KAFKA_CLUSTER_BROKERS" "$HDFS_DATANODES" "$PRESTO_WORKERS" "$SPARK_WORKERS" > "$(cluster_marker)"
  fi
  ALL_SERVICES=(kafka hdfs metastore presto mosquitto api spark streaming)
  if [[ -z "$CALLER_KAFKA_BOOTSTRAP" ]]; then
    local node
    KAFKA_BOOTSTRAP=""
    for (( node = 1; node <= KAFKA_CLUSTER_BROKERS; node++ )); do
      KAFKA_BOOTSTRAP+="${KAFKA_BOOTSTRAP:+,}$LAKE_HOST:$(kafka_node_port "$node")"
    done
    export KAFKA_BOOTSTRAP
  fi
  export SPARK_MASTER="${SPARK_MASTER:-$SPARK_MASTER_URL}"
  # acks=all writes to the partitions of a lost Kafka node wait until the controller has fenced it
  # (broker.session.timeout.ms) and moved their leadership: 6-7 s on a loaded 2-core machine,
  # longer than the API's single-node default of 5 s before it answers 503
  export API_KAFKA_TIMEOUT_MS="${API_KAFKA_TIMEOUT_MS:-10000}"
}

kafka_node_name() {
  if (( $1 == 1 )); then echo kafka; else echo "kafka-$1"; fi
}

kafka_node_port() {
  echo $((KAFKA_PORT + 2 * ($1 - 1)))
}

kafka_node_controller_port() {
  echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1)))
}

# The processes of a service in the cluster, in start order.
cluster_processes_of() {
  local index names=""
  case "$1" in
    kafka)
      for (( index = 1; index <= KAFKA_CLUSTER_BROKERS; index++ )); do names+=" $(kafka_node_name "$index")"; done ;;
    hdfs)
      names="namenode datanode"
      for (( index = 2; index <= HDFS_DATANODES; index++ )); do names+=" datanode-$index"; done ;;
    presto)
      names="presto"
      for (( index = 1; index <= PRESTO_WORKERS; index++ )); do names+=" presto-worker-$index"; done ;;
    spark)
      names="spark-master"
      for (( index = 1; index <= SPARK_WORKERS; index++ )); do names+=" spark-worker-$index"; done ;;
  esac
  echo $names
}

cluster_port_of() {
  local index="${1##*-}"
  case "$1" in
    kafka-*) kafka_node_port "$index" ;;
    datanode-*) echo $((HDFS_DATANODE_PORT + 10 * (index - 1))) ;;
    presto-worker-*) echo $((PRESTO_WORKER_PORT + index - 1)) ;;
    spark-master) echo "$SPARK_MASTER_PORT" ;;
    spark-worker-*) echo $((SPARK_WORKER_PORT + index - 1)) ;;
  esac
}

# Sets the value of property NAME in a rendered Hadoop XML file (one property per line).
xml_set_property() {
  local file="$1" name="$2" value="$3" pattern
  pattern="<name>${name//./\\.}</name><value>[^<]*</value>"
  grep -q "$pattern" "$file" || lake_die "$file has no property $name"
  sed -i "s|$pattern|<name>$name</name><value>$value</value>|" "$file"
}

# Sets KEY=VALUE pairs in a rendered properties file, replacing earlier lines of the same keys.
properties_set() {
  local file="$1" pair key
  shift
  for pair in "$@"; do
    key="${pair%%=*}"
    sed -i "/^${key//./\\.}=/d" "$file"
    printf '%s\n' "$pair" >> "$file"
  done
}

properties_unset() {
  local file="$1" key
  shift
  for key in "$@"; do
    sed -i "/^${key//./\\.}=/d" "$file"
  done
}

# ---------------------------------------------------------------- kafka nodes

start_kafka_cluster() {
  local voters="" node name conf cluster_id_file="$DATA_DIR/kafka-cluster-id" cluster_id
  for (( node = 1; node <= KAFKA_CLUSTER_BROKERS; node++ )); do
    voters+="${voters:+,}$node@127.0.0.1:$(kafka_node_controller_port "$node")"
  done
  mkdir -p "$DATA_DIR"
  if [[ ! -s "$cluster_id_file" ]]; then
    kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 > "$cluster_id_file"
  fi
  cluster_id=$(< "$cluster_id_file")
  for (( node = 1; node <= KAFKA_CLUSTER_BROKERS; node++ )); do
    name=$(kafka_node_name "$node")
    conf="$CONF_DIR/$name/server.properties"
    KAFKA_NODE_ID="$node" KAFKA_QUORUM_VOTERS="$voters" KAFKA_NODE_PORT="$(kafka_node_port "$node")" \
      KAFKA_NODE_CONTROLLER_PORT="$(kafka_node_controller_port "$node")" KAFKA_NODE_DATA_DIR="$DATA_DIR/$name" \
      render "$STACK_DIR/conf/cluster/kafka/server.properties" "$conf"
    if [[ ! -f "$DATA_DIR/$name/meta.properties" ]]; then
      mkdir -p "$DATA_DIR/$name" "$LAKE_LOG_DIR"
      kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$conf" >> "$LAKE_LOG_DIR/$name.log" 2>&1 \
        || lake_die "$name: formatting the log folder failed (log: $LAKE_LOG_DIR/$name.log)"
    fi
    is_running "$name" && continue
    jvm "$name"
    heap "$KAFKA_HEAP_OPTS"
    launch "$name" "${JVM[@]}" "${HEAP[@]}" \
      -Dlog4j.configuration="file:$STACK_DIR/conf/kafka/log4j.properties" \
      -cp "$(classpath_of kafka)" kafka.Kafka "$conf"
  done
}

# Every node listens and the topic exists with its replication; creating it needs every node
# registered, so a create that succeeds is also the proof that the cluster is whole.
events_topic_replicated() {
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --describe --topic "$EVENTS_TOPIC" \
    2>/dev/null | grep -q "ReplicationFactor: *$EVENTS_REPLICATION_FACTOR"
}

await_kafka_cluster() {
  local node name
  for (( node = 1; node <= KAFKA_CLUSTER_BROKERS; node++ )); do
    name=$(kafka_node_name "$node")
    await_ready "$name" "listening on $(kafka_node_port "$node")" lake_port_open "$LAKE_HOST" "$(kafka_node_port "$node")"
  done
  if ! events_topic_replicated; then
    await_ready kafka "able to create topic $EVENTS_TOPIC on $KAFKA_CLUSTER_BROKERS nodes" kafka_java org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists --topic "$EVENTS_TOPIC" \
      --partitions "$EVENTS_PARTITIONS" --replication-factor "$EVENTS_REPLICATION_FACTOR" \
      --config retention.ms=-1 --config min.insync.replicas="$EVENTS_MIN_INSYNC_REPLICAS"
    await_ready kafka "showing topic $EVENTS_TOPIC at replication factor $EVENTS_REPLICATION_FACTOR" events_topic_replicated
  fi
  lake_log "kafka: ready on $KAFKA_BOOTSTRAP ($KAFKA_CLUSTER_BROKERS nodes), topic $EVENTS_TOPIC (replication $EVENTS_REPLICATION_FACTOR, min.insync.replicas $EVENTS_MIN_INSYNC_REPLICAS)"
}

# ---------------------------------------------------------------- datanodes

# DataNode 2..N: the same configuration, with their own folder and ports as generic -D options.
start_extra_datanodes() {
  local index name
  for (( index = 2; index <= HDFS_DATANODES; index++ )); do
    name="datanode-$index"
    is_running "$name" && continue
    local shift_by=$((10 * (index - 1)))
    hdfs_command "$name"
    launch "$name" "${HDFS_COMMAND[@]}" org.apache.hadoop.hdfs.server.datanode.DataNode \
      -D "dfs.datanode.data.dir=$DATA_DIR/hdfs/data-$index" \
      -D "dfs.datanode.address=$LAKE_BIND_ADDRESS:$((HDFS_DATANODE_PORT + shift_by))" \
      -D "dfs.datanode.http.address=$LAKE_BIND_ADDRESS:$((HDFS_DATANODE_HTTP_PORT + shift_by))" \
      -D "dfs.datanode.ipc.address=$LAKE_BIND_ADDRESS:$((HDFS_DATANODE_IPC_PORT + shift_by))" \
      -D "dfs.datanode.http.internal-proxy.port=$((HDFS_DATANODE_PROXY_PORT + shift_by))"
  done
}

hdfs_live_datanodes_at_least() {
  local live
  live=$(curl -sf "http://$LAKE_HOST:$HDFS_HTTP_PORT/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState" \
    | sed -n 's/.*"NumLiveDataNodes" *: *\([0-9]*\).*/\1/p' | head -n 1)
  [[ -n "$live" ]] && (( live >= $1 ))
}

# ---------------------------------------------------------------- presto workers

# Each worker gets every file of presto/etc rendered for its own port and folders, then told
# that it is a worker of the coordinator on PRESTO_PORT.
start_presto_workers() {
  local index name conf data etc="$LAKE_REPO_ROOT/presto/etc" template
  for (( index = 1; index <= PRESTO_WORKERS; index++ )); do
    name="presto-worker-$index"
    is_running "$name" && continue
    conf="$CONF_DIR/$name"
    data="$DATA_DIR/$name"
    rm -rf "${conf:?}"
    ( umask 077; mkdir -p "$conf" )
    while IFS= read -r -d '' template; do
      PRESTO_PORT="$(cluster_port_of "$name")" PRESTO_CONF_DIR="$conf" PRESTO_DATA_DIR="$data" PRESTO_HEAP_OPTS="$PRESTO_WORKER_HEAP_OPTS" \
        lake_presto_render "$template" "$conf/${template#"$etc"/}"
    done < <(find "$etc" -type f -print0)
    properties_unset "$conf/config.properties" discovery-server.enabled node-scheduler.include-coordinator
    properties_set "$conf/config.properties" coordinator=false "discovery.uri=https://$PRESTO_DISCOVERY_HOST:$PRESTO_PORT"
    properties_set "$conf/node.properties" "node.id=lake-$name"
    mkdir -p "$data"
    ln -sfn "$conf" "$data/etc"
    local -a jvm_flags=() node_flags=() words=()
    while IFS= read -r line; do
      read -r -a words <<< "$line"
      jvm_flags+=("${words[@]}")
    done < <(grep -v '^\s*\(#\|$\)' "$conf/jvm.config")
    while IFS= read -r line; do node_flags+=("-D$line"); done < <(grep -v '^\s*\(#\|$\)' "$conf/node.properties")
    jvm "$name"
    launch "$name" env --chdir="$data" "${JVM[@]}" "${jvm_flags[@]}" "${node_flags[@]}" \
      -Dconfig="$conf/config.properties" -Dlog.levels-file="$conf/log.properties" \
      -cp "$PRESTO_HOME/lib/*" com.facebook.presto.server.PrestoServer
  done
}

# The coordinator serves and counts PRESTO_WORKERS active workers (it schedules nothing itself).
presto_cluster_active() {
  local workers
  lake_presto_curl "$PRESTO_URL/v1/info" | grep -q '"starting" *: *false' || return 1
  workers=$(lake_presto_curl "$PRESTO_URL/v1/cluster" | sed -n 's/.*"activeWorkers" *: *\([0-9]*\).*/\1/p')
  [[ -n "$workers" ]] && (( workers >= PRESTO_WORKERS ))
}

await_presto_cluster() {
  local index
  for (( index = 1; index <= PRESTO_WORKERS; index++ )); do
    await_ready "presto-worker-$index" "listening on $(cluster_port_of "presto-worker-$index")" \
      lake_port_open "$LAKE_HOST" "$(cluster_port_of "presto-worker-$index")"
  done
  await_ready presto "serving queries on $PRESTO_PORT with $PRESTO_WORKERS active worker(s)" presto_cluster_active
  lake_log "presto: ready on $PRESTO_URL, coordinator and $PRESTO_WORKERS worker(s) (catalog hive, schema default)"
}

# ---------------------------------------------------------------- spark standalone

# A SPARK_HOME for the workers: Spark's launcher builds each executor's classpath from
# SPARK_HOME/jars, here links to the jars Maven resolved for spark-jobs.
spark_home() {
  echo "$DATA_DIR/spark/home"
}

prepare_spark_home() {
  [[ -s "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt" ]] || ensure_built spark-jobs spark-jobs/target/classpath.txt
  local jars entry
  jars="$(spark_home)/jars"
  # running executors (a worker restarted next to a live one) read these links: leave them alone
  # unless the classpath changed
  if cmp -s "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt" "$(spark_home)/classpath.txt"; then
    return 0
  fi
  rm -rf "$jars"
  mkdir -p "$jars"
  while IFS= read -r -d ':' entry; do
    [[ "$entry" == *.jar ]] && ln -s "$entry" "$jars/$(basename "$entry")"
  done < <(printf '%s:' "$(cat "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt")")
  cp "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt" "$(spark_home)/classpath.txt"
}

# The JVM flags of spark-jobs/jvm-options.txt. Sets SPARK_JVM_FLAGS.
spark_jvm_flags() {
  mapfile -t SPARK_JVM_FLAGS < <(grep -v '^\s*\(#\|$\)' "$LAKE_REPO_ROOT/spark-jobs/jvm-options.txt")
}

start_spark() {
  prepare_spark_home
  spark_jvm_flags
  local classpath index name
  classpath=$(cat "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt")
  if ! is_running spark-master; then
    jvm spark-master
    heap "$SPARK_MASTER_HEAP_OPTS"
    # SPARK_LOCAL_IP: the web UI's address (Spark binds it to every interface otherwise)
    launch spark-master env SPARK_LOCAL_IP="$LAKE_BIND_ADDRESS" "${JVM[@]}" "${HEAP[@]}" "${SPARK_JVM_FLAGS[@]}" -cp "$classpath" \
      org.apache.spark.deploy.master.Master --host "$LAKE_HOST" --port "$SPARK_MASTER_PORT" --webui-port "$SPARK_MASTER_WEBUI_PORT"
  fi
  for (( index = 1; index <= SPARK_WORKERS; index++ )); do
    name="spark-worker-$index"
    is_running "$name" && continue
    mkdir -p "$DATA_DIR/spark/$name/work" "$DATA_DIR/spark/$name/local"
    jvm "$name"
    heap "$SPARK_WORKER_HEAP_OPTS"
    # executors are this worker's children: Spark's launcher needs SPARK_HOME and the Scala
    # version to build their command; folders of finished applications are cleaned after a day
    launch "$name" env SPARK_LOCAL_IP="$LAKE_BIND_ADDRESS" SPARK_HOME="$(spark_home)" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_DIRS="$DATA_DIR/spark/$name/local" \
      "${JVM[@]}" "${HEAP[@]}" "${SPARK_JVM_FLAGS[@]}" \
      -Dspark.worker.cleanup.enabled=true -Dspark.worker.cleanup.appDataTtl=86400 -cp "$classpath" \
      org.apache.spark.deploy.worker.Worker --host "$LAKE_HOST" --port "$(cluster_port_of "$name")" \
      --webui-port $((SPARK_WORKER_WEBUI_PORT + index - 1)) --cores "$SPARK_WORKER_CORES" --memory "$SPARK_WORKER_MEMORY" \
      --work-dir "$DATA_DIR/spark/$name/work" "$SPARK_MASTER_URL"
  done
}

# The master's own account of its workers (GET /json of its web UI): ALIVE ones.
spark_alive_workers_at_least() {
  local alive
  alive=$(curl -sf "http://$LAKE_HOST:$SPARK_MASTER_WEBUI_PORT/json/" | sed -n 's/.*"aliveworkers" *: *\([0-9]*\).*/\1/p' | head -n 1)
  [[ -n "$alive" ]] && (( alive >= $1 ))
}

await_spark() {
  await_ready spark-master "listening on $SPARK_MASTER_PORT" lake_port_open "$LAKE_HOST" "$SPARK_MASTER_PORT"
  await_ready spark-master "counting $SPARK_WORKERS alive workers" spark_alive_workers_at_least "$SPARK_WORKERS"
  lake_log "spark: master $SPARK_MASTER_URL (web http://$LAKE_HOST:$SPARK_MASTER_WEBUI_PORT) with $SPARK_WORKERS workers of $SPARK_WORKER_CORES core(s), $SPARK_WORKER_MEMORY each"
}

# Sets SERVICE_COMMAND: the lake service's driver in client mode on the master. The job's jar is
# copied first, so that a rebuild under target/ does not change a running driver; executors fetch
# it from the driver (spark.jars) and find everything else in SPARK_HOME/jars.
streaming_cluster_command() {
  local -a jvm_flags=("$@")
  local app="$DATA_DIR/spark/app/lake-spark-jobs.jar"
  mkdir -p "$(dirname "$app")"
  cp "$(module_jar spark-jobs lake-spark-jobs)" "$app"
  SERVICE_COMMAND=("${JVM[@]}" "${HEAP[@]}" "${jvm_flags[@]}"
    -Dspark.jars="$app"
    -Dspark.executor.extraJavaOptions="${jvm_flags[*]}"
    -Dspark.executor.memory="$SPARK_EXECUTOR_MEMORY"
    -Dspark.driver.port="$SPARK_DRIVER_PORT"
    -Dspark.blockManager.port="$SPARK_BLOCK_MANAGER_PORT"
    -cp "$app:$(cat "$LAKE_REPO_ROOT/spark-jobs/target/classpath.txt")"
    "$LAKE_SERVICE_MAIN")
}

# Stops the processes together: SIGTERM to each, then waits. Kafka's nodes must stop together, or
# the last ones wait for a controller quorum that is already gone.
stop_processes_together() {
  local name pid
  local -a stopping=()
  for name in "$@"; do
    pid=$(pid_of "$name")
    if [[ "$(process_state "$pid" "$name")" == ours ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      stopping+=("$name")
    fi
  done
  for name in "${stopping[@]}"; do
    pid=$(pid_of "$name")
    if [[ "$(process_state "$pid" "$name")" == ours ]]; then
      stop_process "$name"
    else
      rm -f "$PID_DIR/$name.pid"
      lake_log "$name: stopped (pid $pid)"
    fi
  done
  for name in "$@"; do
    [[ " ${stopping[*]} " == *" $name "* ]] || stop_process "$name"
  done
}
