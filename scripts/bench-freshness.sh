#!/usr/bin/env bash
# Freshness benchmark: time from an API answer to the event being visible in Presto.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/bench-freshness.sh [--samples N] [--load RATE]

Against a running stack (./pipeline.sh up): opens N accounts (default 50) one after the
other and, for each, polls Presto until its event is visible; prints every sample and
p50/p95/max, next to the baseline cost of the same Presto query on a row already visible.
--load RATE: meanwhile a background load of RATE requests/s on GET /return_price (each an event
the API acks after Kafka does) runs at a fixed rate, from 10 s before the first sample to the
last; it prints the rate reached and any failed request. (ApacheBench holds a concurrency, not a
rate, so the load comes from the benchmark's own HTTP client.)
Goal: p95 <= 3 s, also at 2,000 events/s. API at API_URL, Presto at PRESTO_PORT (see
scripts/lib/env.sh). Runs dev.bankinglake.bench.FreshnessBenchmark of the benchmarks module.
HELP
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/java.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/secrets.sh"

samples=50
load=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --samples) samples="${2:?--samples needs a number}"; shift 2 ;;
    --load) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || lake_die "--load needs a rate in requests/s, not '${2:-}'"; load=(--load "$2"); shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
curl -sf "$API_URL/health" > /dev/null || lake_die "no API answers at $API_URL/health: start the stack with ./pipeline.sh up"
lake_presto_client_env lake-viewer
lake_presto_curl "$PRESTO_URL/v1/info" > /dev/null || lake_die "no Presto answers at $PRESTO_URL: start the stack with ./pipeline.sh up"

lake_java_main benchmarks lake-benchmarks dev.bankinglake.bench.FreshnessBenchmark \
  --api "$API_URL" --url "jdbc:presto://$LAKE_HOST:$PRESTO_PORT/hive/default" --samples "$samples" "${load[@]}"
