#!/usr/bin/env bash
# Throughput of the streaming job on a pre-loaded backlog, against the raw Spark ceiling and the
# prototype's design; the fixed cost of a 1-row batch in a trickle phase.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bench-stream.sh [--help]

Pre-loads BENCH_EVENTS events (a realistic mix of every event type, one malformed message per
thousand) into a fresh topic, then runs each contestant on that same backlog, one after the other:
  1. the lake service (dev.bankinglake.service.LakeService) until it has written the whole backlog
     into the lake tables and rejected_events, once with its live windows off (WINDOWS_ENABLED=false)
     and once with them on (the default); after the backlog of its last run, a trickle phase sends
     BENCH_TRICKLE single events, one every BENCH_TRICKLE_INTERVAL_MS, and takes the median
     duration of the 1-row batches (from the batch log, and the service's own
     lake_small_batch_duration_seconds median from /metrics);
  2. optionally the same lake service from another jar (BENCH_REFERENCE_JAR, e.g. the jar of an
     earlier commit, put first on the classpath), with the same windows setting and trickle, for a
     before/after in one run;
  3. the raw Spark ceiling (dev.bankinglake.bench.SparkCeiling): the service's session settings,
     from_json with the contract schema, a route by event_type and one partitioned Parquet write
     per table, with no validation, no staging and no commit;
  4. the prototype's design (dev.bankinglake.bench.PrototypeBaseline): four independent streaming
     queries, each reading the whole topic and keeping one table's event types, with Spark's plain
     file sink;
and prints events/s of each (JVM start to drained), the lake service's rate as a ratio of the
ceiling and of the prototype, and the ratio windows on / off. Every run writes under BENCH_ROOT and
registers nothing outside the Hive database bench_<run>, so the real lake is left alone.

Expects a running stack (Kafka, HDFS, Hive Metastore), e.g. from scripts/stack.sh; fails with a
clear message if a service does not answer. The programs come from the benchmarks module
(benchmarks/target/lake-benchmarks-*.jar and its classpath.txt, which Maven resolves; built when
missing).

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
  BENCH_LOG_DIR            benchmarks/target/bench-stream
  BENCH_WINDOWS            both      'both': the lake service with windows off, then on; 'on' or 'off': one run
  BENCH_TRICKLE            20        single events of the trickle phase (0: no trickle phase)
  BENCH_TRICKLE_INTERVAL_MS 2000     pause between two of them
  BENCH_REFERENCE_JAR      (none)    a lake-spark-jobs jar to run as the reference lake service
  BENCH_CEILING            true      false: skip the raw Spark ceiling
  BENCH_PROTOTYPE          true      false: skip the prototype's design
  BENCH_CLUSTER_MASTER     (none)    a Spark standalone master (e.g. spark://127.0.0.1:7077 of
                                     scripts/stack.sh --cluster): also runs the lake service as a
                                     driver in client mode on that master, once per entry of
                                     BENCH_CLUSTER_CORES (spark.cores.max: executors of 1 core each),
                                     with the same windows setting and trickle as the local run, and
                                     prints each rate as a ratio of local mode (SPARK_MASTER local[2])
  BENCH_CLUSTER_CORES      1 2       the executor cores of each cluster run
  BENCH_EXECUTOR_MEMORY    1g        spark.executor.memory of the cluster runs
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
BENCH_LOG_DIR="${BENCH_LOG_DIR:-$REPO_ROOT/benchmarks/target/bench-stream}"
BENCH_WINDOWS="${BENCH_WINDOWS:-both}"
BENCH_TRICKLE="${BENCH_TRICKLE:-20}"
BENCH_TRICKLE_INTERVAL_MS="${BENCH_TRICKLE_INTERVAL_MS:-2000}"
BENCH_REFERENCE_JAR="${BENCH_REFERENCE_JAR:-}"
BENCH_CEILING="${BENCH_CEILING:-true}"
BENCH_PROTOTYPE="${BENCH_PROTOTYPE:-true}"
BENCH_CLUSTER_MASTER="${BENCH_CLUSTER_MASTER:-}"
BENCH_CLUSTER_CORES="${BENCH_CLUSTER_CORES:-1 2}"
BENCH_EXECUTOR_MEMORY="${BENCH_EXECUTOR_MEMORY:-1g}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MODULE="$REPO_ROOT/benchmarks"
CLASSPATH_FILE="$MODULE/target/classpath.txt"

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
[[ "$BENCH_CEILING" =~ ^(true|false)$ ]] || die "BENCH_CEILING must be true or false, not '$BENCH_CEILING'"
[[ "$BENCH_TRICKLE" =~ ^[0-9]+$ ]] || die "BENCH_TRICKLE must be a number, not '$BENCH_TRICKLE'"
[[ "$BENCH_TRICKLE_INTERVAL_MS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_TRICKLE_INTERVAL_MS must be a positive number, not '$BENCH_TRICKLE_INTERVAL_MS'"
[[ -z "$BENCH_REFERENCE_JAR" || -f "$BENCH_REFERENCE_JAR" ]] || die "BENCH_REFERENCE_JAR $BENCH_REFERENCE_JAR is not a file"
[[ -z "$BENCH_CLUSTER_MASTER" || "$BENCH_CLUSTER_MASTER" == spark://*:* ]] || die "BENCH_CLUSTER_MASTER must be spark://host:port, not '$BENCH_CLUSTER_MASTER'"
for cores in $BENCH_CLUSTER_CORES; do
  [[ "$cores" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CLUSTER_CORES must list positive numbers, not '$BENCH_CLUSTER_CORES'"
done
require_service "Kafka" "${KAFKA_BOOTSTRAP%%,*}"
if [[ -n "$BENCH_CLUSTER_MASTER" ]]; then
  master_authority="$(authority_of "$BENCH_CLUSTER_MASTER")"
  require_service "Spark master" "$master_authority"
fi
if [[ "$LAKE_ROOT" == hdfs://* ]]; then
  require_service "HDFS" "$(authority_of "$LAKE_ROOT")"
fi
require_service "Hive Metastore" "$(authority_of "$METASTORE_URI")"

# the module's jar, whatever its version: Maven names it, this script only finds it
benchmarks_jar() { ls "$MODULE"/target/lake-benchmarks-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1 || true; }
JAR="$(benchmarks_jar)"
if [[ -z "$JAR" || ! -s "$CLASSPATH_FILE" ]]; then
  log "building the benchmarks module (jar or classpath.txt missing)"
  (cd "$REPO_ROOT" && mvn -q -B -ntp -pl benchmarks -am package -DskipTests -DskipITs) || die "build failed"
  JAR="$(benchmarks_jar)"
fi
mapfile -t JVM_FLAGS < <(grep -v '^\s*\(#\|$\)' "$REPO_ROOT/spark-jobs/jvm-options.txt")
mkdir -p "$BENCH_LOG_DIR/jars-$RUN_ID"
# copies of this repository's jars: a rebuild while the benchmark runs must not change the classes under it
CLASSPATH=""
for entry in "$JAR" $(tr ':' ' ' < "$CLASSPATH_FILE"); do
  if [[ "$entry" == "$REPO_ROOT"/* && -f "$entry" ]]; then
    cp "$entry" "$BENCH_LOG_DIR/jars-$RUN_ID/"
    entry="$BENCH_LOG_DIR/jars-$RUN_ID/$(basename "$entry")"
  fi
  CLASSPATH="${CLASSPATH:+$CLASSPATH:}$entry"
done
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
"${RUN_ENV[@]}" "$JAVA" -Xmx1g -cp "$CLASSPATH" dev.bankinglake.bench.EventLoader > "$BENCH_LOG_DIR/loader-$RUN_ID.log" 2>&1 \
  || { tail -n 20 "$BENCH_LOG_DIR/loader-$RUN_ID.log" >&2; die "loading the topic failed"; }
grep -h "Loaded" "$BENCH_LOG_DIR/loader-$RUN_ID.log" >&2 || true

# ---------------------------------------------------------------- the lake service
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# medians of the parts of a batch: the writer's parse and write, and Spark's phases where the log has them
phase_medians() {
  awk '
    function med(name,   n, i, j, t, a) {
      n = split(values[name], a, " "); if (n == 0) return "n/a"
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    {
      if (match($0, /\(parse [0-9]+ ms, write [0-9]+ ms\)/)) {
        split(substr($0, RSTART, RLENGTH), p, /[ ,]+/); values["parse"] = values["parse"] " " p[2]; values["write"] = values["write"] " " p[5]
      }
      if (match($0, /spark \{[^}]*\}/)) {
        n = split(substr($0, RSTART + 7, RLENGTH - 8), kv, /, */)
        for (i = 1; i <= n; i++) { split(kv[i], pair, "="); values[pair[1]] = values[pair[1]] " " pair[2]; names[pair[1]] = 1 }
      }
    }
    END {
      out = "writer: read+parse " med("parse") " ms, write+commit " med("write") " ms (the lineage row follows, inside addBatch)"
      if (length(names) > 0) {
        out = out "; spark:"
        split("latestOffset walCommit queryPlanning getBatch addBatch commitOffsets triggerExecution", order, " ")
        for (i = 1; i <= 7; i++) if (order[i] in names) out = out " " order[i] " " med(order[i])
        out = out " (ms)"
      }
      print out
    }'
}
rows_written() { { grep -o 'batch [0-9]*: [0-9]* rows' "$1" || true; } | awk '{ sum += $3 } END { print sum + 0 }'; }

# set by the cluster runs: more settings for the lake service's JVM and environment
SERVICE_FLAGS=()
SERVICE_ENV=()

# Runs the lake service (LABEL, from CLASSPATH) on the backlog with windows on (true) or off (false)
# until the ingest query has written every event; sets RUN_MS (JVM start to drained), RUN_BATCHES,
# RUN_BATCH_MS and, with windows on, WINDOWS_MS (JVM start until the windows query has read the
# whole backlog too). With TRICKLE=true it then runs the trickle phase and sets TRICKLE_MEDIAN_MS
# (from the batch log) and TRICKLE_METRICS_MS (the service's own median from /metrics).
run_lake_service() {
  local windows="$1" label="$2" classpath="$3" trickle="$4"
  local job_log="$BENCH_LOG_DIR/job-$RUN_ID-$label.log"
  log "running the lake service ($label) on the backlog, WINDOWS_ENABLED=$windows (log $job_log)"
  # the trickles of earlier runs stay in the topic: part of this run's backlog
  local start deadline written=0 read=0 expected=$(( BENCH_EVENTS + TRICKLED ))
  start=$(now_ms)
  "${RUN_ENV[@]}" LAKE_ROOT="$BENCH_ROOT/job-$label" CHECKPOINT_DIR="$BENCH_ROOT/job-$label-checkpoint" \
    LAKE_SERVICE_PORT="$BENCH_SERVICE_PORT" WINDOWS_ENABLED="$windows" WINDOWS_TOPIC="bench-windows-$RUN_ID-$label" \
    "${SERVICE_ENV[@]}" "$JAVA" "-Xmx$BENCH_HEAP" "${JVM_FLAGS[@]}" "${SERVICE_FLAGS[@]}" -cp "$classpath" dev.bankinglake.service.LakeService > "$job_log" 2>&1 &
  CHILD_PID=$!
  deadline=$(( $(now_ms) + BENCH_TIMEOUT_SECONDS * 1000 ))
  while (( written < expected )); do
    kill -0 "$CHILD_PID" 2>/dev/null || { tail -n 30 "$job_log" >&2; die "the lake service exited before draining the backlog"; }
    (( $(now_ms) < deadline )) || die "the lake service wrote $written of $expected rows within ${BENCH_TIMEOUT_SECONDS}s"
    sleep 0.5
    written=$(rows_written "$job_log")
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
  RUN_BATCHES=$({ grep -c 'batch [0-9]*: [0-9]* rows' "$job_log" || true; })
  RUN_BATCH_MS=$({ grep -o ') in [0-9]* ms' "$job_log" || true; } | awk '{ sum += $3 } END { print sum + 0 }')
  TRICKLE_MEDIAN_MS="n/a"; TRICKLE_METRICS_MS="n/a"; TRICKLE_BATCHES=0; TRICKLE_BREAKDOWN=""
  if [[ "$trickle" == true ]] && (( BENCH_TRICKLE > 0 )); then
    # the backlog is drained: every batch from here on holds the trickle's single events
    local before_lines trickle_log="$BENCH_LOG_DIR/trickle-$RUN_ID-$label.log"
    before_lines=$(wc -l < "$job_log")
    written=$(rows_written "$job_log")
    log "trickle phase ($label): $BENCH_TRICKLE single events, one every $BENCH_TRICKLE_INTERVAL_MS ms"
    "${RUN_ENV[@]}" "$JAVA" -Xmx256m -cp "$CLASSPATH" dev.bankinglake.bench.EventLoader trickle "$BENCH_TRICKLE" "$BENCH_TRICKLE_INTERVAL_MS" \
      > "$trickle_log" 2>&1 || { tail -n 20 "$trickle_log" >&2; die "the trickle failed"; }
    TRICKLED=$(( TRICKLED + BENCH_TRICKLE ))
    expected=$(( written + BENCH_TRICKLE ))
    while (( written < expected )); do
      kill -0 "$CHILD_PID" 2>/dev/null || { tail -n 30 "$job_log" >&2; die "the lake service exited in the trickle phase"; }
      (( $(now_ms) < deadline )) || die "the lake service wrote $written of $expected rows within ${BENCH_TIMEOUT_SECONDS}s"
      sleep 0.5
      written=$(rows_written "$job_log")
    done
    local durations
    durations=$(tail -n +"$((before_lines + 1))" "$job_log" | { grep -o 'batch [0-9]*: 1 rows .*) in [0-9]* ms' || true; } | sed 's/.*) in \([0-9]*\) ms/\1/')
    TRICKLE_BATCHES=$(printf '%s' "$durations" | grep -c . || true)
    TRICKLE_MEDIAN_MS=$(printf '%s\n' "$durations" | grep . | median)
    TRICKLE_BREAKDOWN=$(tail -n +"$((before_lines + 1))" "$job_log" | { grep 'batch [0-9]*: 1 rows ' || true; } | phase_medians)
    TRICKLE_METRICS_MS=$(curl -sf --max-time 5 "http://127.0.0.1:$BENCH_SERVICE_PORT/metrics" \
      | awk '/^lake_small_batch_duration_seconds\{quantile="0.5"/ { printf "%.0f", $2 * 1000 }' || true)
    [[ -n "$TRICKLE_METRICS_MS" ]] || TRICKLE_METRICS_MS="n/a"
  fi
  kill -TERM "$CHILD_PID"
  for _ in $(seq 1 120); do kill -0 "$CHILD_PID" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$CHILD_PID" 2>/dev/null && { log "the lake service did not stop within 60 s of SIGTERM; killing it"; kill -KILL "$CHILD_PID"; }
  wait "$CHILD_PID" 2>/dev/null || true
  CHILD_PID=""
}

off_ms=0; on_ms=0; on_windows_ms=0; TRICKLED=0
job_windows=true
[[ "$BENCH_WINDOWS" == off ]] && job_windows=false
if [[ "$BENCH_WINDOWS" != on ]]; then
  run_lake_service false windows-off "$CLASSPATH" "$([[ "$BENCH_WINDOWS" == off ]] && echo true || echo false)"
  off_ms=$RUN_MS; off_batches=$RUN_BATCHES; off_batch_ms=$RUN_BATCH_MS
fi
if [[ "$BENCH_WINDOWS" != off ]]; then
  run_lake_service true windows-on "$CLASSPATH" true
  on_ms=$RUN_MS; on_batches=$RUN_BATCHES; on_batch_ms=$RUN_BATCH_MS; on_windows_ms=$WINDOWS_MS
fi
trickle_median=$TRICKLE_MEDIAN_MS; trickle_metrics=$TRICKLE_METRICS_MS; trickle_batches=$TRICKLE_BATCHES; trickle_breakdown=$TRICKLE_BREAKDOWN
if [[ "$BENCH_WINDOWS" == off ]]; then
  job_ms=$off_ms; batches=$off_batches; batch_ms=$off_batch_ms
else
  job_ms=$on_ms; batches=$on_batches; batch_ms=$on_batch_ms
fi

# ---------------------------------------------------------------- the reference lake service
ref_ms=0; ref_median="n/a"; ref_batches=0; ref_breakdown=""
if [[ -n "$BENCH_REFERENCE_JAR" ]]; then
  REF_JAR="$BENCH_LOG_DIR/jars-$RUN_ID/reference.jar"
  cp "$BENCH_REFERENCE_JAR" "$REF_JAR"
  run_lake_service "$job_windows" reference "$REF_JAR:$CLASSPATH" true
  ref_ms=$RUN_MS; ref_median=$TRICKLE_MEDIAN_MS; ref_batches=$TRICKLE_BATCHES; ref_breakdown=$TRICKLE_BREAKDOWN
fi

# ---------------------------------------------------------------- the lake service on a Spark cluster
# The same classpath as the local run; the executors get the job's jar from the driver
# (spark.jars) and Spark's and the job's dependencies from their workers' SPARK_HOME/jars, as
# scripts/stack.sh --cluster runs the lake service.
cluster_results=""
if [[ -n "$BENCH_CLUSTER_MASTER" ]]; then
  JOB_JAR="$(ls "$BENCH_LOG_DIR/jars-$RUN_ID"/lake-spark-jobs-*.jar 2>/dev/null | head -n 1 || true)"
  [[ -n "$JOB_JAR" ]] || die "no lake-spark-jobs jar on the benchmarks module's classpath to ship to the executors"
  for cores in $BENCH_CLUSTER_CORES; do
    SERVICE_ENV=(SPARK_MASTER="$BENCH_CLUSTER_MASTER")
    SERVICE_FLAGS=(-Dspark.jars="$JOB_JAR" -Dspark.executor.extraJavaOptions="${JVM_FLAGS[*]}"
      -Dspark.executor.memory="$BENCH_EXECUTOR_MEMORY" -Dspark.executor.cores=1 -Dspark.cores.max="$cores")
    run_lake_service "$job_windows" "cluster-$cores" "$CLASSPATH" true
    cluster_results="$cluster_results $cores:$RUN_MS:$TRICKLE_MEDIAN_MS"
  done
  SERVICE_ENV=(); SERVICE_FLAGS=()
fi

# ---------------------------------------------------------------- the raw Spark ceiling
ceiling_ms=0; ceiling_inner=0
if [[ "$BENCH_CEILING" == true ]]; then
  CEILING_LOG="$BENCH_LOG_DIR/ceiling-$RUN_ID.log"
  log "running the raw Spark ceiling on the same backlog (log $CEILING_LOG)"
  ceiling_start=$(now_ms)
  "${RUN_ENV[@]}" LAKE_ROOT="$BENCH_ROOT/ceiling" CHECKPOINT_DIR="$BENCH_ROOT/ceiling-checkpoint" \
    timeout "$((BENCH_TIMEOUT_SECONDS + 120))" \
    "$JAVA" "-Xmx$BENCH_HEAP" "${JVM_FLAGS[@]}" -cp "$CLASSPATH" dev.bankinglake.bench.SparkCeiling > "$CEILING_LOG" 2>&1 \
    || { tail -n 30 "$CEILING_LOG" >&2; die "the ceiling failed"; }
  ceiling_ms=$(( $(now_ms) - ceiling_start ))
  ceiling_inner=$(grep -o 'in [0-9.]* s since the query started' "$CEILING_LOG" | awk '{ print $2 }')
fi

# ---------------------------------------------------------------- the prototype's design
base_ms=0; base_inner=0
if [[ "$BENCH_PROTOTYPE" == true ]]; then
  BASELINE_LOG="$BENCH_LOG_DIR/baseline-$RUN_ID.log"
  log "running the prototype's four-query design on the same backlog (log $BASELINE_LOG)"
  base_start=$(now_ms)
  "${RUN_ENV[@]}" LAKE_ROOT="$BENCH_ROOT/baseline" CHECKPOINT_DIR="$BENCH_ROOT/baseline-checkpoint" \
    timeout "$((BENCH_TIMEOUT_SECONDS + 120))" \
    "$JAVA" "-Xmx$BENCH_HEAP" "${JVM_FLAGS[@]}" -cp "$CLASSPATH" dev.bankinglake.bench.PrototypeBaseline > "$BASELINE_LOG" 2>&1 \
    || { tail -n 30 "$BASELINE_LOG" >&2; die "the baseline failed"; }
  base_end=$(now_ms)
  base_ms=$((base_end - base_start))
  base_inner=$(grep -o 'in [0-9.]* s since the queries started' "$BASELINE_LOG" | awk '{ print $2 }')
fi

# ---------------------------------------------------------------- report
awk -v n="$BENCH_EVENTS" -v job_ms="$job_ms" -v off_ms="$off_ms" -v on_ms="$on_ms" -v on_windows_ms="$on_windows_ms" \
    -v base_ms="$base_ms" -v batches="$batches" -v batch_ms="$batch_ms" -v base_inner="${base_inner:-0}" \
    -v ceiling_ms="$ceiling_ms" -v ceiling_inner="${ceiling_inner:-0}" -v ref_ms="$ref_ms" \
    -v trickle="$BENCH_TRICKLE" -v trickle_batches="$trickle_batches" -v trickle_median="$trickle_median" \
    -v trickle_metrics="$trickle_metrics" -v ref_median="$ref_median" -v ref_batches="$ref_batches" \
    -v trickle_breakdown="$trickle_breakdown" -v ref_breakdown="$ref_breakdown" \
    -v cluster_results="$cluster_results" -v cluster_master="$BENCH_CLUSTER_MASTER" 'BEGIN {
  printf "events:                        %d\n", n
  if (off_ms > 0) printf "lake service, windows off, JVM start to drained: %8.1f s  %10.0f events/s\n", off_ms / 1000, n / (off_ms / 1000)
  if (on_ms > 0) printf "lake service, windows on,  JVM start to drained: %8.1f s  %10.0f events/s  (windows query read the backlog after %.1f s)\n", on_ms / 1000, n / (on_ms / 1000), on_windows_ms / 1000
  if (off_ms > 0 && on_ms > 0) printf "ratio windows on / off (drain rate): %.2fx\n", off_ms / on_ms
  printf "lake service (%d batches, %.1f s inside batches: %.0f events/s)\n", batches, batch_ms / 1000, (batch_ms > 0 ? n / (batch_ms / 1000) : 0)
  if (ref_ms > 0) printf "reference lake service (BENCH_REFERENCE_JAR), JVM start to drained: %8.1f s  %10.0f events/s\n", ref_ms / 1000, n / (ref_ms / 1000)
  if (cluster_results != "") {
    k = split(cluster_results, runs, " ")
    for (i = 1; i <= k; i++) {
      split(runs[i], r, ":")
      printf "lake service on %s, %d executor core(s), JVM start to drained: %8.1f s  %10.0f events/s  (1-row batch median %s ms)\n", cluster_master, r[1], r[2] / 1000, n / (r[2] / 1000), r[3]
      printf "ratio cluster (%d core(s)) / local mode:  %.2fx\n", r[1], job_ms / r[2]
      if (i > 1) printf "ratio cluster %d core(s) / %d core(s):  %.2fx\n", r[1], first_cores, first_ms / r[2]
      else { first_cores = r[1]; first_ms = r[2] }
    }
  }
  if (ceiling_ms > 0) {
    printf "raw Spark ceiling, JVM start to drained: %8.1f s  %10.0f events/s  (%.1f s after its query started)\n", ceiling_ms / 1000, n / (ceiling_ms / 1000), ceiling_inner
    printf "ratio lake service / ceiling:  %.2fx\n", ceiling_ms / job_ms
    if (off_ms > 0 && on_ms > 0) printf "ratio lake service, windows off / ceiling: %.2fx\n", ceiling_ms / off_ms
    if (ref_ms > 0) printf "ratio reference / ceiling:     %.2fx\n", ceiling_ms / ref_ms
  }
  if (base_ms > 0) {
    printf "prototype (4 queries), JVM start to drained: %8.1f s  %10.0f events/s  (%.1f s after its queries started: %.0f events/s)\n", base_ms / 1000, n / (base_ms / 1000), base_inner, (base_inner > 0 ? n / base_inner : 0)
    printf "ratio job / prototype:         %.2fx\n", base_ms / job_ms
    if (ref_ms > 0) printf "ratio reference / prototype:   %.2fx\n", base_ms / ref_ms
  }
  if (trickle > 0) {
    printf "trickle: %d single events, %d batches of 1 row: median %s ms (the service'"'"'s /metrics: lake_small_batch_duration_seconds p50 %s ms)\n", trickle, trickle_batches, trickle_median, trickle_metrics
    if (trickle_breakdown != "") printf "  medians of its parts: %s\n", trickle_breakdown
    if (ref_ms > 0) printf "trickle, reference: %d batches of 1 row: median %s ms\n", ref_batches, ref_median
    if (ref_breakdown != "") printf "  medians of its parts: %s\n", ref_breakdown
  }
}'
log "lake files of this run are under $BENCH_ROOT (Hive database $DATABASE); remove them when done"
