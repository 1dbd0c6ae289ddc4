#!/usr/bin/env bash
# Compaction benchmark: the saved report queries and count(*) in Presto on a day of small batch
# files, before and after the lake service's compact job, in the same run.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bench-compaction.sh [--files N] [--events-per-file M] [--runs R] [--help]

Against a running stack (./pipeline.sh up: Kafka, HDFS, Hive Metastore, Presto), in a lake root and
a Hive database of its own, so the real lake is left alone:
  1. builds one closed day (two days ago, UTC) whose partitions each hold N small batch files
     (default 2000) of about M events each (default 50, one malformed message per file, so
     rejected_events too): the lake's own validation and table split, named as the lake service
     names its batch files, like a day of 1 s micro-batches under light load;
  2. runs the lake service (dev.bankinglake.service.LakeService) on that lake, on its own HTTP port
     and an empty topic; it registers the tables and their partitions;
  3. counts rows and files per table, then times, through Presto JDBC, the saved report queries
     (presto/queries) and a count(*) of asset_prices: one warm-up, then R timed runs each
     (default 3), median;
  4. runs the compact job of the lake service (POST /jobs) on the day and waits for it;
  5. times the same queries again, and prints files before/after per table, the medians, the
     speed-up per query and overall, and fails if any answer changed.
Lake files stay under BENCH_ROOT and the tables in the Hive database bench_compaction_<run>:
remove them when done.

Environment (ports and hosts from scripts/lib/env.sh):
  BENCH_FILES                      2000    batch files per table (or --files)
  BENCH_EVENTS_PER_FILE            50      events per batch (or --events-per-file)
  BENCH_RUNS                       3       timed runs per query (or --runs)
  BENCH_ROOT                       $HDFS_URI/bench/compaction-<run>
  BENCH_SERVICE_PORT               5058    HTTP port of the lake service under test (not the stack's 5050)
  BENCH_HEAP                       2g      -Xmx of the Spark JVMs
  BENCH_TIMEOUT_SECONDS            1800    limit for each step (fixture, start, each measure, the compaction)
  BENCH_LOG_DIR                    benchmarks/target/bench-compaction

The programs come from the benchmarks module (benchmarks/target/lake-benchmarks-*.jar and its
classpath.txt, which Maven resolves; built when missing).
USAGE
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# the benchmark's lake service takes its compact job with the stack's operator token (its file)
source "$(dirname "${BASH_SOURCE[0]}")/lib/secrets.sh"
lake_secrets_ensure

BENCH_FILES="${BENCH_FILES:-2000}"
BENCH_EVENTS_PER_FILE="${BENCH_EVENTS_PER_FILE:-50}"
BENCH_RUNS="${BENCH_RUNS:-3}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --files) BENCH_FILES="${2:?--files needs a number}"; shift 2 ;;
    --events-per-file) BENCH_EVENTS_PER_FILE="${2:?--events-per-file needs a number}"; shift 2 ;;
    --runs) BENCH_RUNS="${2:?--runs needs a number}"; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "$BENCH_FILES" =~ ^[1-9][0-9]*$ ]] || lake_die "BENCH_FILES must be a positive number, not '$BENCH_FILES'"
[[ "$BENCH_EVENTS_PER_FILE" =~ ^[1-9][0-9]*$ ]] || lake_die "BENCH_EVENTS_PER_FILE must be a positive number, not '$BENCH_EVENTS_PER_FILE'"
[[ "$BENCH_RUNS" =~ ^[1-9][0-9]*$ ]] || lake_die "BENCH_RUNS must be a positive number, not '$BENCH_RUNS'"
(( BENCH_FILES * BENCH_EVENTS_PER_FILE <= 5000000 )) || lake_die "at most 5,000,000 events (files x events per file)"

RUN_ID="$(date -u +%Y%m%d%H%M%S)"
BENCH_ROOT="${BENCH_ROOT:-$HDFS_URI/bench/compaction-$RUN_ID}"
BENCH_SERVICE_PORT="${BENCH_SERVICE_PORT:-5058}"
BENCH_HEAP="${BENCH_HEAP:-2g}"
BENCH_TIMEOUT_SECONDS="${BENCH_TIMEOUT_SECONDS:-1800}"
BENCH_LOG_DIR="${BENCH_LOG_DIR:-$LAKE_REPO_ROOT/benchmarks/target/bench-compaction}"
DAY="$(date -u -d '2 days ago' +%F)"
DATABASE="bench_compaction_$RUN_ID"
TOPIC="bench-compaction-$RUN_ID"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MODULE="$LAKE_REPO_ROOT/benchmarks"

for service in "Kafka:$LAKE_HOST:$KAFKA_PORT" "HDFS:$LAKE_HOST:$HDFS_PORT" "Hive Metastore:$LAKE_HOST:$METASTORE_PORT" "Presto:$LAKE_HOST:$PRESTO_PORT"; do
  IFS=: read -r name host port <<< "$service"
  timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null \
    || lake_die "$name does not answer on $host:$port: start the stack with ./pipeline.sh up (or set the ports, see --help)"
done
lake_presto_client_env lake-viewer
lake_presto_curl "$PRESTO_URL/v1/info" --max-time 5 > /dev/null || lake_die "no Presto answers at $PRESTO_URL"
if lake_port_open "$LAKE_HOST" "$BENCH_SERVICE_PORT"; then
  lake_die "port $BENCH_SERVICE_PORT is taken: set BENCH_SERVICE_PORT"
fi

# the module's jar, whatever its version: Maven names it, this script only finds it
benchmarks_jar() { ls "$MODULE"/target/lake-benchmarks-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1 || true; }
JAR="$(benchmarks_jar)"
if [[ -z "$JAR" || ! -s "$MODULE/target/classpath.txt" ]]; then
  lake_log "building the benchmarks module (jar or classpath.txt missing)"
  (cd "$LAKE_REPO_ROOT" && mvn -q -B -ntp -pl benchmarks -am package -DskipTests -DskipITs) || lake_die "build failed"
  JAR="$(benchmarks_jar)"
fi
mkdir -p "$BENCH_LOG_DIR/jars-$RUN_ID"
# copies of this repository's jars: a rebuild while the benchmark runs must not change the classes under it
CLASSPATH=""
for entry in "$JAR" $(tr ':' ' ' < "$MODULE/target/classpath.txt"); do
  if [[ "$entry" == "$LAKE_REPO_ROOT"/* && -f "$entry" ]]; then
    cp "$entry" "$BENCH_LOG_DIR/jars-$RUN_ID/"
    entry="$BENCH_LOG_DIR/jars-$RUN_ID/$(basename "$entry")"
  fi
  CLASSPATH="${CLASSPATH:+$CLASSPATH:}$entry"
done
mapfile -t JVM_FLAGS < <(grep -v '^\s*\(#\|$\)' "$LAKE_REPO_ROOT/spark-jobs/jvm-options.txt")
RESULTS="$BENCH_LOG_DIR/results-$RUN_ID.tsv"
EXPECTED="$BENCH_LOG_DIR/expected-$RUN_ID.tsv"
SERVICE_LOG="$BENCH_LOG_DIR/service-$RUN_ID.log"
SERVICE_URL="http://$LAKE_HOST:$BENCH_SERVICE_PORT"
CHILD_PID=""

cleanup() {
  if [[ -n "$CHILD_PID" ]] && kill -0 "$CHILD_PID" 2>/dev/null; then
    kill -TERM "$CHILD_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$CHILD_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$CHILD_PID" 2>/dev/null && kill -KILL "$CHILD_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

BENCH_ENV=(env LAKE_ROOT="$BENCH_ROOT/lake" CHECKPOINT_DIR="$BENCH_ROOT/checkpoint" HIVE_DATABASE="$DATABASE" EVENTS_TOPIC="$TOPIC"
  KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" METASTORE_URI="$METASTORE_URI" HADOOP_CONF_DIR="$HADOOP_CONF_DIR" SPARK_LOCAL_IP=127.0.0.1
  BENCH_DAY="$DAY" BENCH_FILES="$BENCH_FILES" BENCH_EVENTS_PER_FILE="$BENCH_EVENTS_PER_FILE" BENCH_RUNS="$BENCH_RUNS"
  BENCH_QUERIES="$LAKE_REPO_ROOT/presto/queries" PRESTO_JDBC_URL="jdbc:presto://$LAKE_HOST:$PRESTO_PORT/hive/$DATABASE"
  LAKE_SERVICE_URL="$SERVICE_URL" BENCH_COMPACT_TIMEOUT_SECONDS="$BENCH_TIMEOUT_SECONDS")
bench() {
  timeout "$BENCH_TIMEOUT_SECONDS" "${BENCH_ENV[@]}" "$JAVA" "-Xmx$BENCH_HEAP" "${JVM_FLAGS[@]}" -cp "$CLASSPATH" \
    dev.bankinglake.bench.CompactionBenchmark "$@"
}

lake_log "building a day ($DAY) of $BENCH_FILES batch files per table, $BENCH_EVENTS_PER_FILE events each, under $BENCH_ROOT/lake"
bench fixture "$EXPECTED" 2> "$BENCH_LOG_DIR/fixture-$RUN_ID.log" || { tail -n 30 "$BENCH_LOG_DIR/fixture-$RUN_ID.log" >&2; lake_die "the fixture failed"; }

lake_log "starting the lake service on it (port $BENCH_SERVICE_PORT, database $DATABASE, log $SERVICE_LOG)"
"${BENCH_ENV[@]}" LAKE_SERVICE_PORT="$BENCH_SERVICE_PORT" WINDOWS_ENABLED=false COMPACTION_SCHEDULED=false JOB_ROUTER_FILE= MQTT_URI= \
  "$JAVA" "-Xmx$BENCH_HEAP" "${JVM_FLAGS[@]}" -cp "$CLASSPATH" dev.bankinglake.service.LakeService > "$SERVICE_LOG" 2>&1 &
CHILD_PID=$!
deadline=$(( $(date +%s) + BENCH_TIMEOUT_SECONDS ))
until curl -sf --max-time 2 "$SERVICE_URL/health" > /dev/null; do
  kill -0 "$CHILD_PID" 2>/dev/null || { tail -n 30 "$SERVICE_LOG" >&2; lake_die "the lake service exited"; }
  (( $(date +%s) < deadline )) || lake_die "the lake service did not answer /health within ${BENCH_TIMEOUT_SECONDS}s (log $SERVICE_LOG)"
  sleep 1
done

lake_log "timing the saved queries and count(*) before the compaction ($BENCH_RUNS runs each)"
bench measure before "$EXPECTED" "$RESULTS" 2> "$BENCH_LOG_DIR/measure-before-$RUN_ID.log" \
  || { tail -n 30 "$BENCH_LOG_DIR/measure-before-$RUN_ID.log" >&2; lake_die "measuring before the compaction failed"; }

lake_log "compacting $DAY (the lake service's compact job)"
bench compact 2> "$BENCH_LOG_DIR/compact-$RUN_ID.log" || { tail -n 30 "$SERVICE_LOG" >&2; lake_die "the compaction failed"; }

lake_log "timing the same queries after the compaction"
bench measure after "$EXPECTED" "$RESULTS" 2> "$BENCH_LOG_DIR/measure-after-$RUN_ID.log" \
  || { tail -n 30 "$BENCH_LOG_DIR/measure-after-$RUN_ID.log" >&2; lake_die "measuring after the compaction failed"; }

bench report "$RESULTS" 2> /dev/null
lake_log "lake files of this run are under $BENCH_ROOT (Hive database $DATABASE); remove them when done"
