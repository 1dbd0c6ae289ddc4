#!/usr/bin/env bash
# Throughput of the streaming job on a pre-loaded backlog, against the prototype's design.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bench-stream.sh [--help]

Pre-loads BENCH_EVENTS events (a realistic mix of every event type, one malformed message per
thousand) into a fresh topic, then
  1. runs the lake service (dev.bankinglake.service.LakeService) until it has written the whole
     backlog into the lake tables and rejected_events, once with its live windows off
     (WINDOWS_ENABLED=false) and once with them on (the default), and
  2. runs the prototype's design on the same backlog: four independent streaming queries, each
     reading the whole topic and keeping one table's event types, with Spark's plain file sink,
and prints events/s of each, the ratio windows on / off, and the ratio lake service / prototype.
Every run writes under BENCH_ROOT and registers nothing outside the Hive database bench_<run>, so
the real lake is left alone.

Expects a running stack (Kafka, HDFS, Hive Metastore), e.g. from scripts/stack.sh; fails with a
clear message if a service does not answer.

Environment (defaults = the local stack's default ports):
  KAFKA_BOOTSTRAP          127.0.0.1:9092
  LAKE_ROOT                hdfs://127.0.0.1:8020/lake   (only its file system is used)
  METASTORE_URI            thrift://127.0.0.1:9083
  HADOOP_CONF_DIR          optional, core-site.xml / hdfs-site.xml for the HDFS client
  BENCH_EVENTS             1000000   events to pre-load
  BENCH_PARTITIONS         2         partitions of the benchmark topic
  BENCH_ROOT               <file system of LAKE_ROOT>/bench/<run>
  BENCH_TIMEOUT_SECONDS    1800      limit for each run
  BENCH_HEAP               2g        -Xmx of the Spark JVMs
  BENCH_SERVICE_PORT       5059      HTTP port of the lake service under test (not the stack's 5050)
  MAX_OFFSETS_PER_TRIGGER  200000    as the job's setting
  TRIGGER_INTERVAL         1 second  as the job's setting
  BENCH_LOG_DIR            spark-jobs/target/bench-stream
  BENCH_WINDOWS            both      'both': the lake service with windows off, then on; 'on' or 'off': one run
  BENCH_PROTOTYPE          true      false: skip the prototype's design
USAGE
}

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  usage
  exit 0
fi
if [[ $# -gt 0 ]]; then
  usage >&2
  exit 2
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
LAKE_ROOT="${LAKE_ROOT:-hdfs://127.0.0.1:8020/lake}"
METASTORE_URI="${METASTORE_URI:-thrift://127.0.0.1:9083}"
BENCH_EVENTS="${BENCH_EVENTS:-1000000}"
BENCH_PARTITIONS="${BENCH_PARTITIONS:-2}"
BENCH_TIMEOUT_SECONDS="${BENCH_TIMEOUT_SECONDS:-1800}"
BENCH_HEAP="${BENCH_HEAP:-2g}"
BENCH_SERVICE_PORT="${BENCH_SERVICE_PORT:-5059}"
MAX_OFFSETS_PER_TRIGGER="${MAX_OFFSETS_PER_TRIGGER:-200000}"
TRIGGER_INTERVAL="${TRIGGER_INTERVAL:-1 second}"
RUN_ID="$(date -u +%Y%m%d%H%M%S)"
BENCH_ROOT="${BENCH_ROOT:-$(dirname "$LAKE_ROOT")/bench/$RUN_ID}"
BENCH_LOG_DIR="${BENCH_LOG_DIR:-$REPO_ROOT/spark-jobs/target/bench-stream}"
BENCH_WINDOWS="${BENCH_WINDOWS:-both}"
BENCH_PROTOTYPE="${BENCH_PROTOTYPE:-true}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR="$REPO_ROOT/spark-jobs/target/lake-spark-jobs-0.1.0-SNAPSHOT.jar"
CLASSPATH_FILE="$REPO_ROOT/spark-jobs/target/classpath.txt"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }

port_open() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# host:port of a URI such as hdfs://host:port/path or thrift://host:port
authority_of() { local rest="${1#*://}"; echo "${rest%%/*}"; }

require_service() {
  local name="$1" authority="$2"
  local host="${authority%%:*}" port="${authority##*:}"
  [[ "$host" != "$authority" && -n "$port" ]] || die "$name: cannot tell host:port from '$authority'"
  port_open "$host" "$port" || die "$name does not answer on $host:$port: start the stack (scripts/stack.sh start) or set the environment (see --help)"
}

[[ "$BENCH_EVENTS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_EVENTS must be a positive number, not '$BENCH_EVENTS'"
[[ "$BENCH_WINDOWS" =~ ^(both|on|off)$ ]] || die "BENCH_WINDOWS must be both, on or off, not '$BENCH_WINDOWS'"
[[ "$BENCH_PROTOTYPE" =~ ^(true|false)$ ]] || die "BENCH_PROTOTYPE must be true or false, not '$BENCH_PROTOTYPE'"
require_service "Kafka" "${KAFKA_BOOTSTRAP%%,*}"
if [[ "$LAKE_ROOT" == hdfs://* ]]; then
  require_service "HDFS" "$(authority_of "$LAKE_ROOT")"
fi
require_service "Hive Metastore" "$(authority_of "$METASTORE_URI")"

if [[ ! -f "$JAR" || ! -s "$CLASSPATH_FILE" ]]; then
  log "building spark-jobs (jar and classpath.txt missing)"
  (cd "$REPO_ROOT" && mvn -q -pl spark-jobs -am package -DskipTests -DskipITs) || die "build failed"
fi
mapfile -t JVM_FLAGS < <(grep -v '^\s*\(#\|$\)' "$REPO_ROOT/spark-jobs/jvm-options.txt")
CLASSPATH="$JAR:$(cat "$CLASSPATH_FILE")"
mkdir -p "$BENCH_LOG_DIR"
TOPIC="bench-events-$RUN_ID"
DATABASE="bench_$RUN_ID"
CHILD_PID=""

cleanup() {
  if [[ -n "$CHILD_PID" ]] && kill -0 "$CHILD_PID" 2>/dev/null; then
    kill "$CHILD_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# the settings every Java process of the benchmark gets (an array, not a function, so that a
# background launch's $! is the JVM itself and SIGTERM reaches it)
RUN_ENV=(env KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" METASTORE_URI="$METASTORE_URI" HIVE_DATABASE="$DATABASE"
  EVENTS_TOPIC="$TOPIC" BENCH_EVENTS="$BENCH_EVENTS" BENCH_PARTITIONS="$BENCH_PARTITIONS"
  BENCH_TIMEOUT_SECONDS="$BENCH_TIMEOUT_SECONDS" MAX_OFFSETS_PER_TRIGGER="$MAX_OFFSETS_PER_TRIGGER"
  TRIGGER_INTERVAL="$TRIGGER_INTERVAL" SPARK_LOCAL_IP=127.0.0.1)

# ---------------------------------------------------------------- load
log "loading $BENCH_EVENTS events into topic $TOPIC ($BENCH_PARTITIONS partitions)"
"${RUN_ENV[@]}" "$JAVA" -Xmx1g -cp "$CLASSPATH" dev.bankinglake.lake.bench.EventLoader > "$BENCH_LOG_DIR/loader-$RUN_ID.log" 2>&1 \
  || { tail -n 20 "$BENCH_LOG_DIR/loader-$RUN_ID.log" >&2; die "loading the topic failed"; }
grep -h "Loaded" "$BENCH_LOG_DIR/loader-$RUN_ID.log" >&2 || true

# ---------------------------------------------------------------- the lake service
# Runs the lake service on the backlog with windows on (true) or off (false) until the ingest query
# has written every event; sets RUN_MS (JVM start to drained), RUN_BATCHES, RUN_BATCH_MS and, with
# windows on, WINDOWS_MS (JVM start until the windows query has read the whole backlog too).
run_lake_service() {
  local windows="$1" job_log="$BENCH_LOG_DIR/job-$RUN_ID-windows-$1.log"
  log "running the lake service on the backlog, WINDOWS_ENABLED=$windows (log $job_log)"
  local start deadline written=0 read=0
  start=$(now_ms)
  "${RUN_ENV[@]}" LAKE_ROOT="$BENCH_ROOT/job-windows-$windows" CHECKPOINT_DIR="$BENCH_ROOT/job-windows-$windows-checkpoint" \
    LAKE_SERVICE_PORT="$BENCH_SERVICE_PORT" WINDOWS_ENABLED="$windows" WINDOWS_TOPIC="bench-windows-$RUN_ID-$windows" \
    "$JAVA" "-Xmx$BENCH_HEAP" "${JVM_FLAGS[@]}" -cp "$CLASSPATH" dev.bankinglake.service.LakeService > "$job_log" 2>&1 &
  CHILD_PID=$!
  deadline=$(( $(now_ms) + BENCH_TIMEOUT_SECONDS * 1000 ))
  while (( written < BENCH_EVENTS )); do
    kill -0 "$CHILD_PID" 2>/dev/null || { tail -n 30 "$job_log" >&2; die "the lake service exited before draining the backlog"; }
    (( $(now_ms) < deadline )) || die "the lake service wrote $written of $BENCH_EVENTS rows within ${BENCH_TIMEOUT_SECONDS}s"
    sleep 0.5
    written=$({ grep -o 'batch [0-9]*: [0-9]* rows' "$job_log" || true; } | awk '{ sum += $3 } END { print sum + 0 }')
  done
  RUN_MS=$(( $(now_ms) - start ))
  WINDOWS_MS=0
  if [[ "$windows" == true ]]; then
    while (( read < BENCH_EVENTS )); do
      kill -0 "$CHILD_PID" 2>/dev/null || { tail -n 30 "$job_log" >&2; die "the lake service exited before its windows read the backlog"; }
      (( $(now_ms) < deadline )) || die "the windows query read $read of $BENCH_EVENTS messages within ${BENCH_TIMEOUT_SECONDS}s"
      read=$({ grep -o 'windows batch [0-9]*: [0-9]* input' "$job_log" || true; } | awk '{ sum += $4 } END { print sum + 0 }')
      (( read >= BENCH_EVENTS )) || sleep 0.5
    done
    WINDOWS_MS=$(( $(now_ms) - start ))
  fi
  kill -TERM "$CHILD_PID"
  for _ in $(seq 1 120); do kill -0 "$CHILD_PID" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$CHILD_PID" 2>/dev/null && { log "the lake service did not stop within 60 s of SIGTERM; killing it"; kill -KILL "$CHILD_PID"; }
  wait "$CHILD_PID" 2>/dev/null || true
  CHILD_PID=""
  RUN_BATCHES=$({ grep -c 'batch [0-9]*: [0-9]* rows' "$job_log" || true; })
  RUN_BATCH_MS=$({ grep -o ') in [0-9]* ms' "$job_log" || true; } | awk '{ sum += $3 } END { print sum + 0 }')
}

off_ms=0; on_ms=0; on_windows_ms=0
if [[ "$BENCH_WINDOWS" != on ]]; then
  run_lake_service false
  off_ms=$RUN_MS; off_batches=$RUN_BATCHES; off_batch_ms=$RUN_BATCH_MS
fi
if [[ "$BENCH_WINDOWS" != off ]]; then
  run_lake_service true
  on_ms=$RUN_MS; on_batches=$RUN_BATCHES; on_batch_ms=$RUN_BATCH_MS; on_windows_ms=$WINDOWS_MS
fi
if [[ "$BENCH_WINDOWS" == off ]]; then
  job_ms=$off_ms; batches=$off_batches; batch_ms=$off_batch_ms
else
  job_ms=$on_ms; batches=$on_batches; batch_ms=$on_batch_ms
fi

# ---------------------------------------------------------------- the prototype's design
base_ms=0; base_inner=0
if [[ "$BENCH_PROTOTYPE" == true ]]; then
  BASELINE_LOG="$BENCH_LOG_DIR/baseline-$RUN_ID.log"
  log "running the prototype's four-query design on the same backlog (log $BASELINE_LOG)"
  base_start=$(now_ms)
  "${RUN_ENV[@]}" LAKE_ROOT="$BENCH_ROOT/baseline" CHECKPOINT_DIR="$BENCH_ROOT/baseline-checkpoint" \
    timeout "$((BENCH_TIMEOUT_SECONDS + 120))" \
    "$JAVA" "-Xmx$BENCH_HEAP" "${JVM_FLAGS[@]}" -cp "$CLASSPATH" dev.bankinglake.lake.bench.PrototypeBaseline > "$BASELINE_LOG" 2>&1 \
    || { tail -n 30 "$BASELINE_LOG" >&2; die "the baseline failed"; }
  base_end=$(now_ms)
  base_ms=$((base_end - base_start))
  base_inner=$(grep -o 'in [0-9.]* s since the queries started' "$BASELINE_LOG" | awk '{ print $2 }')
fi

# ---------------------------------------------------------------- report
awk -v n="$BENCH_EVENTS" -v job_ms="$job_ms" -v off_ms="$off_ms" -v on_ms="$on_ms" -v on_windows_ms="$on_windows_ms" \
    -v base_ms="$base_ms" -v batches="$batches" -v batch_ms="$batch_ms" -v base_inner="${base_inner:-0}" 'BEGIN {
  printf "events:                        %d\n", n
  if (off_ms > 0) printf "lake service, windows off, JVM start to drained: %8.1f s  %10.0f events/s\n", off_ms / 1000, n / (off_ms / 1000)
  if (on_ms > 0) printf "lake service, windows on,  JVM start to drained: %8.1f s  %10.0f events/s  (windows query read the backlog after %.1f s)\n", on_ms / 1000, n / (on_ms / 1000), on_windows_ms / 1000
  if (off_ms > 0 && on_ms > 0) printf "ratio windows on / off (drain rate): %.2fx\n", off_ms / on_ms
  printf "lake service (%d batches, %.1f s inside batches: %.0f events/s)\n", batches, batch_ms / 1000, (batch_ms > 0 ? n / (batch_ms / 1000) : 0)
  if (base_ms > 0) {
    printf "prototype (4 queries), JVM start to drained: %8.1f s  %10.0f events/s  (%.1f s after its queries started: %.0f events/s)\n", base_ms / 1000, n / (base_ms / 1000), base_inner, (base_inner > 0 ? n / base_inner : 0)
    printf "ratio job / prototype:         %.2fx\n", base_ms / job_ms
  }
}'
log "lake files of this run are under $BENCH_ROOT (Hive database $DATABASE); remove them when done"
