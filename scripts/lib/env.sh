# Shared settings of every operator script: ports, hosts, folders. Sourced, not run.
# Every value can be overridden from the environment; derived values follow the ports.
# (Bash only; callers use set -euo pipefail.)

LAKE_REPO_ROOT="${LAKE_REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
LAKE_STATE_DIR="${LAKE_STATE_DIR:-$LAKE_REPO_ROOT/.lake}"
LAKE_LOG_DIR="${LAKE_LOG_DIR:-$LAKE_STATE_DIR/logs}"
# The address every service of the stack listens on: loopback unless told otherwise. Set it to
# one of the machine's addresses (or 0.0.0.0: all of them) to let other machines in; see
# "Who may reach what" in the README. LAKE_HOST is where the stack's own clients reach the
# services: the bind address, or loopback when that is the wildcard.
LAKE_BIND_ADDRESS="${LAKE_BIND_ADDRESS:-127.0.0.1}"
if [[ -z "${LAKE_HOST:-}" ]]; then
  case "$LAKE_BIND_ADDRESS" in
    0.0.0.0|::|'[::]') LAKE_HOST=127.0.0.1 ;;
    *) LAKE_HOST="$LAKE_BIND_ADDRESS" ;;
  esac
fi

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-$LAKE_HOST:$KAFKA_PORT}"
EVENTS_TOPIC="${EVENTS_TOPIC:-events}"
EVENTS_PARTITIONS="${EVENTS_PARTITIONS:-3}"

HDFS_PORT="${HDFS_PORT:-8020}"
HDFS_HTTP_PORT="${HDFS_HTTP_PORT:-9870}"
HDFS_DATANODE_PORT="${HDFS_DATANODE_PORT:-9866}"
HDFS_DATANODE_HTTP_PORT="${HDFS_DATANODE_HTTP_PORT:-9864}"
HDFS_DATANODE_IPC_PORT="${HDFS_DATANODE_IPC_PORT:-9867}"
HDFS_DATANODE_PROXY_PORT="${HDFS_DATANODE_PROXY_PORT:-9869}"
HDFS_URI="${HDFS_URI:-hdfs://$LAKE_HOST:$HDFS_PORT}"
LAKE_ROOT="${LAKE_ROOT:-$HDFS_URI/lake}"
LAKE_WAREHOUSE="${LAKE_WAREHOUSE:-$HDFS_URI/warehouse}"
CHECKPOINT_DIR="${CHECKPOINT_DIR:-$HDFS_URI/checkpoints/lake-streaming}"

METASTORE_PORT="${METASTORE_PORT:-9083}"
METASTORE_URI="${METASTORE_URI:-thrift://$LAKE_HOST:$METASTORE_PORT}"
METASTORE_DB_URL="${METASTORE_DB_URL:-jdbc:derby:;databaseName=$LAKE_STATE_DIR/data/metastore/metastore_db;create=true}"
METASTORE_DB_DRIVER="${METASTORE_DB_DRIVER:-org.apache.derby.jdbc.EmbeddedDriver}"
METASTORE_DB_USER="${METASTORE_DB_USER:-APP}"
METASTORE_DB_PASSWORD="${METASTORE_DB_PASSWORD:-mine}"

PRESTO_PORT="${PRESTO_PORT:-8080}"
# Presto speaks HTTPS only (its certificate signed by the stack's own CA, scripts/lib/secrets.sh)
# and asks every client for a user name and password
PRESTO_URL="${PRESTO_URL:-https://$LAKE_HOST:$PRESTO_PORT}"
PRESTO_DISCOVERY_HOST="${PRESTO_DISCOVERY_HOST:-$LAKE_HOST}"
# the address a Presto node announces to the others (compose: the container's name)
PRESTO_INTERNAL_ADDRESS="${PRESTO_INTERNAL_ADDRESS:-$LAKE_HOST}"
PRESTO_CONF_DIR="${PRESTO_CONF_DIR:-$LAKE_STATE_DIR/conf/presto}"
PRESTO_DATA_DIR="${PRESTO_DATA_DIR:-$LAKE_STATE_DIR/data/presto}"

API_PORT="${API_PORT:-5000}"
API_URL="${API_URL:-http://$LAKE_HOST:$API_PORT}"

# Mosquitto, the MQTT broker of the lake service's job requests and replies and window updates.
MQTT_PORT="${MQTT_PORT:-1883}"
MQTT_URI="${MQTT_URI:-tcp://$LAKE_HOST:$MQTT_PORT}"

# Secrets (scripts/lib/secrets.sh): one owner-only file each, made at the first start. The lake
# service reads its operator token and its MQTT password from files, never from a variable.
LAKE_SECRETS_DIR="${LAKE_SECRETS_DIR:-$LAKE_STATE_DIR/secrets}"
LAKE_OPERATOR_TOKEN_FILE="${LAKE_OPERATOR_TOKEN_FILE:-$LAKE_SECRETS_DIR/operator-token}"
MQTT_USERNAME="${MQTT_USERNAME:-lake-service}"
MQTT_PASSWORD_FILE="${MQTT_PASSWORD_FILE:-$LAKE_SECRETS_DIR/mqtt-$MQTT_USERNAME.password}"
# What Presto's clients trust: the stack's CA certificate, as a PKCS12 trust store (JDBC, the CLI)
# and as PEM (curl). The trust store's password guards a public certificate: it is no secret.
PRESTO_TRUSTSTORE="${PRESTO_TRUSTSTORE:-$LAKE_SECRETS_DIR/presto-truststore.p12}"
PRESTO_TRUSTSTORE_PASSWORD="${PRESTO_TRUSTSTORE_PASSWORD:-lake-truststore}"
PRESTO_CA_CERT="${PRESTO_CA_CERT:-$LAKE_SECRETS_DIR/presto-ca.pem}"
# The local Presto nodes' key store: their key and certificate, for 127.0.0.1, localhost and the bind address
PRESTO_KEYSTORE="${PRESTO_KEYSTORE:-$LAKE_SECRETS_DIR/presto-node.p12}"
# The user the lake service's analytics routes query Presto as, and its password file
PRESTO_ANALYTICS_PASSWORD_FILE="${PRESTO_ANALYTICS_PASSWORD_FILE:-$LAKE_SECRETS_DIR/presto-lake-analytics.password}"

# The lake service (scripts/stack.sh's `streaming`): HTTP with GET /health, 200 while its
# Spark session is up and its streaming queries run.
LAKE_SERVICE_PORT="${LAKE_SERVICE_PORT:-5050}"
LAKE_SERVICE_URL="${LAKE_SERVICE_URL:-http://$LAKE_HOST:$LAKE_SERVICE_PORT}"
# The lake service's job router: a copy of spark-jobs' bundled jobs.json, made at its first
# start; edit it and the service reads it again, without a restart.
JOB_ROUTER_FILE="${JOB_ROUTER_FILE:-$LAKE_STATE_DIR/conf/jobs.json}"

HADOOP_CONF_DIR="${LAKE_HADOOP_CONF_DIR:-$LAKE_STATE_DIR/conf/hadoop}"

# Heap (and any other JVM flags) of each service, in the style of Kafka's KAFKA_HEAP_OPTS:
# whitespace-separated JVM flags. HDFS_HEAP_OPTS applies to the NameNode and the DataNode each.
# Presto's goes into the rendered presto/etc/jvm.config, shared with compose.
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1g -Xms256m}"
HDFS_HEAP_OPTS="${HDFS_HEAP_OPTS:--Xmx512m}"
METASTORE_HEAP_OPTS="${METASTORE_HEAP_OPTS:--Xmx512m}"
PRESTO_HEAP_OPTS="${PRESTO_HEAP_OPTS:--Xmx1536m}"
API_HEAP_OPTS="${API_HEAP_OPTS:--Xmx512m}"
LAKE_SERVICE_HEAP_OPTS="${LAKE_SERVICE_HEAP_OPTS:--Xmx2g}"
LAKE_WATCHDOG_HEAP_OPTS="${LAKE_WATCHDOG_HEAP_OPTS:--Xmx32m -XX:+UseSerialGC}"

# The watchdog (local-stack/supervisor) that scripts/stack.sh runs the services of
# LAKE_WATCHDOG_SERVICES under: restarts a service that exits unasked after a backoff doubling
# from INITIAL to MAX, gives up after MAX_FAILURES exits within WINDOW. LAKE_WATCHDOG=off runs
# them bare. Durations: 500ms, 2s, 5m (no unit: seconds).
LAKE_WATCHDOG="${LAKE_WATCHDOG:-on}"
LAKE_WATCHDOG_SERVICES="${LAKE_WATCHDOG_SERVICES:-streaming}"
LAKE_WATCHDOG_INITIAL_BACKOFF="${LAKE_WATCHDOG_INITIAL_BACKOFF:-1s}"
LAKE_WATCHDOG_MAX_BACKOFF="${LAKE_WATCHDOG_MAX_BACKOFF:-30s}"
LAKE_WATCHDOG_MAX_FAILURES="${LAKE_WATCHDOG_MAX_FAILURES:-6}"
LAKE_WATCHDOG_WINDOW="${LAKE_WATCHDOG_WINDOW:-5m}"

# Seconds a service may take to become ready before `up` gives up on it.
LAKE_START_TIMEOUT="${LAKE_START_TIMEOUT:-180}"
# Seconds a service may take to exit after SIGTERM before it is killed.
LAKE_STOP_TIMEOUT="${LAKE_STOP_TIMEOUT:-30}"

# The cluster shape (scripts/stack.sh --cluster, docs/scale-out.md): KAFKA_CLUSTER_BROKERS Kafka
# nodes (broker + controller each), HDFS_DATANODES DataNodes, PRESTO_WORKERS Presto workers next to
# the coordinator, and a Spark standalone master with SPARK_WORKERS workers that the lake service's
# driver submits to. Node i (1-based) of Kafka answers on KAFKA_PORT + 2(i-1) and
# KAFKA_CONTROLLER_PORT + 2(i-1); DataNode i on each HDFS_DATANODE_*_PORT + 10(i-1); Presto worker i
# on PRESTO_WORKER_PORT + i-1; Spark worker i on SPARK_WORKER_PORT + i-1 and SPARK_WORKER_WEBUI_PORT + i-1.
# The driver's block manager takes SPARK_BLOCK_MANAGER_PORT, each executor the next free port after it.
KAFKA_CLUSTER_BROKERS="${KAFKA_CLUSTER_BROKERS:-3}"
EVENTS_REPLICATION_FACTOR="${EVENTS_REPLICATION_FACTOR:-3}"
EVENTS_MIN_INSYNC_REPLICAS="${EVENTS_MIN_INSYNC_REPLICAS:-2}"
HDFS_DATANODES="${HDFS_DATANODES:-2}"
HDFS_REPLICATION="${HDFS_REPLICATION:-2}"
PRESTO_WORKERS="${PRESTO_WORKERS:-1}"
PRESTO_WORKER_PORT="${PRESTO_WORKER_PORT:-$((PRESTO_PORT + 1))}"
# how long a query waits for a worker when none is active before it fails (the coordinator's
# query-manager.required-workers-max-wait)
PRESTO_WORKERS_MAX_WAIT="${PRESTO_WORKERS_MAX_WAIT:-10s}"
SPARK_WORKERS="${SPARK_WORKERS:-2}"
SPARK_MASTER_PORT="${SPARK_MASTER_PORT:-7077}"
SPARK_MASTER_WEBUI_PORT="${SPARK_MASTER_WEBUI_PORT:-7076}"
SPARK_WORKER_PORT="${SPARK_WORKER_PORT:-7078}"
SPARK_WORKER_WEBUI_PORT="${SPARK_WORKER_WEBUI_PORT:-7178}"
SPARK_DRIVER_PORT="${SPARK_DRIVER_PORT:-7070}"
SPARK_BLOCK_MANAGER_PORT="${SPARK_BLOCK_MANAGER_PORT:-7071}"
SPARK_MASTER_URL="${SPARK_MASTER_URL:-spark://$LAKE_HOST:$SPARK_MASTER_PORT}"
# Sizes of the cluster's extra processes: each Spark worker offers SPARK_WORKER_CORES cores and
# SPARK_WORKER_MEMORY to executors of SPARK_EXECUTOR_MEMORY; the Kafka nodes, the DataNodes and the
# Presto coordinator take the single-node variables above, each.
SPARK_MASTER_HEAP_OPTS="${SPARK_MASTER_HEAP_OPTS:--Xmx256m}"
SPARK_WORKER_HEAP_OPTS="${SPARK_WORKER_HEAP_OPTS:--Xmx256m}"
SPARK_WORKER_CORES="${SPARK_WORKER_CORES:-1}"
SPARK_WORKER_MEMORY="${SPARK_WORKER_MEMORY:-1g}"
SPARK_EXECUTOR_MEMORY="${SPARK_EXECUTOR_MEMORY:-1g}"
PRESTO_WORKER_HEAP_OPTS="${PRESTO_WORKER_HEAP_OPTS:-$PRESTO_HEAP_OPTS}"

export KAFKA_CLUSTER_BROKERS EVENTS_REPLICATION_FACTOR EVENTS_MIN_INSYNC_REPLICAS HDFS_DATANODES HDFS_REPLICATION \
  PRESTO_WORKERS PRESTO_WORKER_PORT PRESTO_WORKERS_MAX_WAIT SPARK_WORKERS SPARK_MASTER_PORT SPARK_MASTER_WEBUI_PORT SPARK_WORKER_PORT \
  SPARK_WORKER_WEBUI_PORT SPARK_DRIVER_PORT SPARK_BLOCK_MANAGER_PORT SPARK_MASTER_URL SPARK_MASTER_HEAP_OPTS \
  SPARK_WORKER_HEAP_OPTS SPARK_WORKER_CORES SPARK_WORKER_MEMORY SPARK_EXECUTOR_MEMORY PRESTO_WORKER_HEAP_OPTS
export LAKE_REPO_ROOT LAKE_STATE_DIR LAKE_LOG_DIR LAKE_BIND_ADDRESS LAKE_HOST PRESTO_INTERNAL_ADDRESS \
  KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_BOOTSTRAP EVENTS_TOPIC EVENTS_PARTITIONS \
  HDFS_PORT HDFS_HTTP_PORT HDFS_DATANODE_PORT HDFS_DATANODE_HTTP_PORT HDFS_DATANODE_IPC_PORT HDFS_DATANODE_PROXY_PORT \
  HDFS_URI LAKE_ROOT LAKE_WAREHOUSE CHECKPOINT_DIR \
  METASTORE_PORT METASTORE_URI METASTORE_DB_URL METASTORE_DB_DRIVER METASTORE_DB_USER METASTORE_DB_PASSWORD \
  PRESTO_PORT PRESTO_URL PRESTO_DISCOVERY_HOST PRESTO_CONF_DIR PRESTO_DATA_DIR \
  API_PORT API_URL MQTT_PORT MQTT_URI LAKE_SECRETS_DIR LAKE_OPERATOR_TOKEN_FILE MQTT_USERNAME MQTT_PASSWORD_FILE PRESTO_TRUSTSTORE PRESTO_TRUSTSTORE_PASSWORD PRESTO_CA_CERT PRESTO_KEYSTORE PRESTO_ANALYTICS_PASSWORD_FILE LAKE_SERVICE_PORT LAKE_SERVICE_URL JOB_ROUTER_FILE HADOOP_CONF_DIR LAKE_START_TIMEOUT LAKE_STOP_TIMEOUT \
  KAFKA_HEAP_OPTS HDFS_HEAP_OPTS METASTORE_HEAP_OPTS PRESTO_HEAP_OPTS API_HEAP_OPTS LAKE_SERVICE_HEAP_OPTS LAKE_WATCHDOG_HEAP_OPTS \
  LAKE_WATCHDOG LAKE_WATCHDOG_SERVICES LAKE_WATCHDOG_INITIAL_BACKOFF LAKE_WATCHDOG_MAX_BACKOFF LAKE_WATCHDOG_MAX_FAILURES LAKE_WATCHDOG_WINDOW

lake_log() {
  printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

lake_die() {
  lake_log "ERROR: $*"
  exit 1
}

# True when something accepts TCP connections on host:port.
lake_port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}
