#!/usr/bin/env bash
# Measures what the Kafka acknowledgement costs the API: GET /return_price (one event, acked by
# Kafka before the answer) against GET / (no event), same connection settings, same run.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bench-api.sh [--whole-stack] [--help]

Benchmarks a running banking game API with ApacheBench (ab), keep-alive on:
  events route: GET /return_price   (each request writes one event and waits for Kafka's ack)
  no-op route:  GET /               (no event, no Kafka)
and prints requests/s, p50 and p99 latency for both and their ratio.

The API must already be running and ready (GET /health answers 200), e.g. started by
./pipeline.sh up, or by hand:
  java -cp "$(ls api/target/lake-api-*.jar):$(cat api/target/classpath.txt)" dev.bankinglake.api.ApiServer

Environment (defaults in brackets):
  API_URL             base URL of the API                  [http://127.0.0.1:5000]
  BENCH_REQUESTS      requests per route (ab -n)           [5000]
  BENCH_CONCURRENCY   concurrent connections (ab -c)       [50]
  BENCH_WARMUP        warm-up requests per route           [500]
  BENCH_TIMEOUT_S     ab socket timeout, seconds (ab -s)   [30]
  BENCH_WAIT_S        how long to wait for /health = 200   [10]

--whole-stack: the same comparison while the whole stack runs and the lake service consumes what
the events route writes. It insists that the lake service answers GET /health with 200 at
LAKE_SERVICE_URL [http://127.0.0.1:5050], and after the runs waits (at most BENCH_CATCH_UP_S
[120] seconds) until the service's lake_rows_total has grown by every event sent, and prints how
much it consumed and how long after the last request it had caught up.

When the API runs on this machine (API_URL on 127.0.0.1 or localhost), the script also reads the
API process's CPU time (utime + stime in /proc/<pid>/stat, the pid from the listening socket or
API_PID) before and after each route and prints CPU microseconds per request: unlike requests/s,
that figure hardly moves with what else the machine runs.

Installs apache2-utils with apt-get if ab is missing and the script runs as root.
USAGE
}

whole_stack=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --whole-stack) whole_stack=true; shift ;;
    *) echo "Unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
LAKE_SERVICE_URL="${LAKE_SERVICE_URL:-http://127.0.0.1:5050}"
BENCH_CATCH_UP_S="${BENCH_CATCH_UP_S:-120}"

API_URL="${API_URL:-http://127.0.0.1:5000}"
API_URL="${API_URL%/}"
BENCH_REQUESTS="${BENCH_REQUESTS:-5000}"
BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-50}"
BENCH_WARMUP="${BENCH_WARMUP:-500}"
BENCH_TIMEOUT_S="${BENCH_TIMEOUT_S:-30}"
BENCH_WAIT_S="${BENCH_WAIT_S:-10}"

for name in BENCH_REQUESTS BENCH_CONCURRENCY BENCH_WARMUP BENCH_TIMEOUT_S BENCH_WAIT_S BENCH_CATCH_UP_S; do
  if ! [[ "${!name}" =~ ^[0-9]+$ ]]; then
    echo "$name must be a whole number, was '${!name}'" >&2
    exit 2
  fi
done
if (( BENCH_REQUESTS < BENCH_CONCURRENCY || BENCH_REQUESTS > 1000000 )); then
  echo "BENCH_REQUESTS must be between BENCH_CONCURRENCY ($BENCH_CONCURRENCY) and 1000000, was $BENCH_REQUESTS" >&2
  exit 2
fi

if ! command -v ab >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "ab not found; installing apache2-utils" >&2
    apt-get install -y -q apache2-utils >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q apache2-utils >/dev/null; }
  else
    echo "ab (ApacheBench) not found: install the apache2-utils package" >&2
    exit 1
  fi
fi
command -v curl >/dev/null 2>&1 || { echo "curl not found" >&2; exit 1; }

# Readiness: bounded in time, with a message that says what never happened.
deadline=$(( SECONDS + BENCH_WAIT_S ))
until status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$API_URL/health") && [[ "$status" == 200 ]]; do
  if (( SECONDS >= deadline )); then
    echo "No ready API at $API_URL: GET /health answered '${status:-nothing}' for ${BENCH_WAIT_S}s." >&2
    echo "Start it first (./pipeline.sh up, or see --help) or set API_URL." >&2
    exit 1
  fi
  sleep 1
done

# rows the lake service has committed so far, all tables
lake_rows() {
  curl -sf --max-time 5 "$LAKE_SERVICE_URL/metrics" | awk '/^lake_rows_total\{/ { sum += $2 } END { printf "%.0f\n", sum }'
}
if [[ "$whole_stack" == true ]]; then
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$LAKE_SERVICE_URL/health" || true)
  if [[ "$status" != 200 ]]; then
    echo "--whole-stack: the lake service at $LAKE_SERVICE_URL answers /health with '${status:-nothing}', not 200:" >&2
    echo "start the whole stack (./pipeline.sh up) or set LAKE_SERVICE_URL." >&2
    exit 1
  fi
  rows_before=$(lake_rows)
fi

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

run_ab() { # name path requests
  ab -k -q -r -s "$BENCH_TIMEOUT_S" -c "$BENCH_CONCURRENCY" -n "$3" "$API_URL$2" > "$workdir/$1.txt" 2>&1 || {
    echo "ab failed against $API_URL$2:" >&2
    cat "$workdir/$1.txt" >&2
    exit 1
  }
}

field() { # file pattern -> value
  awk -v pattern="$2" '$0 ~ pattern { print $NF; exit }' "$1"
}

report() { # name -> "rps p50 p99 failed non2xx"
  local file="$workdir/$1.txt"
  local rps p50 p99 failed non2xx
  rps=$(awk '/^Requests per second:/ { print $4; exit }' "$file")
  p50=$(awk '$1 == "50%" { print $2; exit }' "$file")
  p99=$(awk '$1 == "99%" { print $2; exit }' "$file")
  failed=$(awk '/^Failed requests:/ { print $3; exit }' "$file")
  non2xx=$(field "$file" '^Non-2xx responses:')
  echo "${rps:-?} ${p50:-?} ${p99:-?} ${failed:-0} ${non2xx:-0}"
}

echo "Benchmarking $API_URL: $BENCH_REQUESTS requests per route, concurrency $BENCH_CONCURRENCY, keep-alive"
if (( BENCH_WARMUP > 0 )); then
  warmup=$(( BENCH_WARMUP < BENCH_CONCURRENCY ? BENCH_CONCURRENCY : BENCH_WARMUP ))
  run_ab warmup-noop / "$warmup"
  run_ab warmup-events /return_price "$warmup"
fi
# CPU time of the API process, in clock ticks, when it runs here; empty otherwise
api_pid="${API_PID:-}"
if [[ -z "$api_pid" && "$API_URL" =~ ^https?://(127\.0\.0\.1|localhost):([0-9]+) ]] && command -v ss >/dev/null 2>&1; then
  api_pid=$(ss -Hltnp "sport = :${BASH_REMATCH[2]}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)
fi
api_ticks() { [[ -n "$api_pid" && -r "/proc/$api_pid/stat" ]] && awk '{ print $14 + $15 }' "/proc/$api_pid/stat" || echo ""; }
cpu_per_request() { # ticks-before ticks-after requests -> microseconds per request, or n/a
  if [[ -n "$1" && -n "$2" ]]; then
    awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz * 1e6 / n }'
  else
    echo "n/a"
  fi
}
t0=$(api_ticks); run_ab noop / "$BENCH_REQUESTS"; t1=$(api_ticks)
noop_cpu=$(cpu_per_request "$t0" "$t1" "$BENCH_REQUESTS")
t0=$(api_ticks); run_ab events /return_price "$BENCH_REQUESTS"; t1=$(api_ticks)
ev_cpu=$(cpu_per_request "$t0" "$t1" "$BENCH_REQUESTS")

read -r noop_rps noop_p50 noop_p99 noop_failed noop_non2xx <<< "$(report noop)"
read -r ev_rps ev_p50 ev_p99 ev_failed ev_non2xx <<< "$(report events)"

printf '\n%-34s %12s %9s %9s %8s %8s %14s\n' "route" "req/s" "p50 ms" "p99 ms" "failed" "non-2xx" "API cpu us/req"
printf '%-34s %12s %9s %9s %8s %8s %14s\n' "GET / (no-op)" "$noop_rps" "$noop_p50" "$noop_p99" "$noop_failed" "$noop_non2xx" "$noop_cpu"
printf '%-34s %12s %9s %9s %8s %8s %14s\n' "GET /return_price (event acked)" "$ev_rps" "$ev_p50" "$ev_p99" "$ev_failed" "$ev_non2xx" "$ev_cpu"
awk -v a="$noop_rps" -v b="$ev_rps" 'BEGIN { if (b > 0) printf "\nthroughput ratio no-op / events: %.2fx\n", a / b }'
awk -v a="$ev_p50" -v b="$noop_p50" -v c="$ev_p99" -v d="$noop_p99" 'BEGIN {
  if (b > 0) printf "p50 ratio events / no-op: %.2fx\n", a / b; else printf "p50 no-op rounds to 0 ms; events p50 %s ms\n", a
  if (d > 0) printf "p99 ratio events / no-op: %.2fx\n", c / d
}'

awk -v a="$noop_rps" -v b="$ev_rps" 'BEGIN { if (a > 0) printf "throughput ratio events (acked) / no-op: %.2fx\n", b / a }'

if [[ "$whole_stack" == true ]]; then
  sent=$(( BENCH_REQUESTS + (BENCH_WARMUP > 0 ? (BENCH_WARMUP < BENCH_CONCURRENCY ? BENCH_CONCURRENCY : BENCH_WARMUP) : 0) ))
  last_request=$SECONDS
  deadline=$(( SECONDS + BENCH_CATCH_UP_S ))
  until consumed=$(( $(lake_rows) - rows_before )) && (( consumed >= sent )); do
    if (( SECONDS >= deadline )); then
      echo "--whole-stack: the lake service committed $consumed of the $sent events sent within ${BENCH_CATCH_UP_S}s after the runs" >&2
      exit 1
    fi
    sleep 1
  done
  echo "whole stack: the lake service committed $consumed rows during the runs ($sent events sent), caught up $(( SECONDS - last_request )) s after the last request"
fi

if [[ "$ev_non2xx" != 0 || "$ev_failed" != 0 ]]; then
  echo "The events route had failed or non-2xx answers: is Kafka healthy?" >&2
  exit 1
fi
