#!/usr/bin/env bash
# Freshness benchmark: time from an API answer to the event being visible in Presto.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/bench-freshness.sh [--samples N]

Against a running stack (./pipeline.sh up): opens N accounts (default 50) one after the
other and, for each, polls Presto until its event is visible; prints every sample and
p50/p95/max, next to the baseline cost of the same Presto query on a row already visible.
Goal: p95 <= 3 s. API at API_URL, Presto at PRESTO_PORT (see scripts/lib/env.sh).
HELP
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/java.sh"

samples=50
if [[ "${1:-}" == "--samples" ]]; then
  samples="${2:?--samples needs a number}"
fi
curl -sf "$API_URL/health" > /dev/null || lake_die "no API answers at $API_URL/health: start the stack with ./pipeline.sh up"
curl -sf "$PRESTO_URL/v1/info" > /dev/null || lake_die "no Presto answers at $PRESTO_URL: start the stack with ./pipeline.sh up"

lake_java_main benchmarks lake-benchmarks dev.bankinglake.bench.FreshnessBenchmark \
  --api "$API_URL" --url "jdbc:presto://$LAKE_HOST:$PRESTO_PORT/hive/default" --samples "$samples"
