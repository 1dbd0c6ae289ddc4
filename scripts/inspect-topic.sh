#!/usr/bin/env bash
# Shows the newest events of the events topic with kcat, or follows new ones.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/inspect-topic.sh [--compose] [-n COUNT] [--follow] [--topic NAME] [--timeout SECONDS] [--values]

Prints the last COUNT events of the topic (newest last, across all partitions) as
  <time UTC>  p<partition>  @<offset>  key=<key>  <value>
and exits. With --follow, prints events as they arrive instead, until COUNT events were
shown, --timeout passed, or Ctrl-C.

Options:
  -n COUNT           how many events (1-10000)                        [default 10]
  --follow           tail new events (stops after COUNT or --timeout)
  --timeout SECONDS  longest the script runs (1-3600)                 [default 30; 300 with --follow]
  --topic NAME       topic to read                                    [default $EVENTS_TOPIC: events]
  --values           print only the message values (JSON), one per line
  --compose          runs kcat in the `tools` container against kafka:9092
                     (the same as LAKE_MODE=compose, set by ./pipeline.sh --compose)
  -h, --help         this text

Locally, Kafka is $KAFKA_BOOTSTRAP (scripts/lib/env.sh: KAFKA_PORT, LAKE_HOST); kcat comes
from scripts/setup.sh.

Examples:
  scripts/inspect-topic.sh                     # the last 10 events
  scripts/inspect-topic.sh -n 50 --values | jq .event_type
  scripts/inspect-topic.sh --follow -n 100     # the next 100 events, at most 5 minutes
  scripts/inspect-topic.sh --compose -n 5
EOF
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$LAKE_REPO_ROOT/scripts/lib/compose.sh"

count=10
follow=false
timeout_s=""
topic="$EVENTS_TOPIC"
values_only=false

while (( $# > 0 )); do
  case "$1" in
    -n) count="${2:-}"; shift 2 || { echo "-n needs a value" >&2; exit 2; } ;;
    --follow|-f) follow=true; shift ;;
    --timeout) timeout_s="${2:-}"; shift 2 || { echo "--timeout needs a value" >&2; exit 2; } ;;
    --topic) topic="${2:-}"; shift 2 || { echo "--topic needs a value" >&2; exit 2; } ;;
    --values) values_only=true; shift ;;
    --compose) LAKE_MODE=compose; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "Unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$timeout_s" ]] || { if [[ "$follow" == true ]]; then timeout_s=300; else timeout_s=30; fi; }
[[ "$count" =~ ^[0-9]+$ ]] && (( count >= 1 && count <= 10000 )) || { echo "-n must be a whole number from 1 to 10000, was '$count'" >&2; exit 2; }
[[ "$timeout_s" =~ ^[0-9]+$ ]] && (( timeout_s >= 1 && timeout_s <= 3600 )) || { echo "--timeout must be a whole number from 1 to 3600, was '$timeout_s'" >&2; exit 2; }
[[ "$topic" =~ ^[a-zA-Z0-9._-]+$ ]] || { echo "--topic must be a Kafka topic name, was '$topic'" >&2; exit 2; }

if lake_is_compose; then
  lake_compose_require
  bootstrap="$COMPOSE_KAFKA_BOOTSTRAP"
  run_kcat() { lake_compose exec -T tools timeout "$timeout_s" kcat "$@"; }
else
  bootstrap="$KAFKA_BOOTSTRAP"
  command -v kcat > /dev/null 2>&1 || lake_die "kcat not found: run scripts/setup.sh (Debian package kcat)"
  run_kcat() { timeout "$timeout_s" kcat "$@"; }
fi

# tab-separated: timestamp (ms), partition, offset, key, value; one record per line
# (kcat escapes nothing, so a value with a newline would split; events are single-line JSON)
format='%T\t%p\t%o\t%k\t%s\n'
common=(-C -b "$bootstrap" -t "$topic" -q -m 10 -f "$format")

render() {
  if [[ "$values_only" == true ]]; then
    cut -f 5-
  else
    while IFS=$'\t' read -r timestamp partition offset key value; do
      printf '%s  p%s  @%-8s key=%-12s %s\n' \
        "$(date -u -d "@$((timestamp / 1000))" +%FT%TZ 2>/dev/null || echo "$timestamp")" "$partition" "$offset" "$key" "$value"
    done
  fi
}

status=0
if [[ "$follow" == true ]]; then
  lake_log "following $topic on $bootstrap (mode $LAKE_MODE): up to $count events or ${timeout_s}s, Ctrl-C stops"
  run_kcat "${common[@]}" -o end -u -c "$count" | render || status=$?
else
  # The last COUNT of every partition, then the newest COUNT of those by timestamp.
  records=$(run_kcat "${common[@]}" -o "-$count" -e) || status=$?
  if (( status == 0 )); then
    if [[ -z "$records" ]]; then
      lake_log "$topic on $bootstrap is empty (mode $LAKE_MODE)"
    else
      sort -t $'\t' -k1,1n -k2,2n -k3,3n <<< "$records" | tail -n "$count" | render
    fi
  fi
fi

case "$status" in
  0) ;;
  124) if [[ "$follow" == true ]]; then lake_log "stopped after ${timeout_s}s (--timeout)"; else lake_die "kcat did not finish within ${timeout_s}s: is Kafka at $bootstrap up? (scripts/stack.sh status)"; fi ;;
  *) lake_die "kcat failed (exit $status) reading $topic from $bootstrap (mode $LAKE_MODE): is Kafka up and the topic there? (scripts/stack.sh status)" ;;
esac
