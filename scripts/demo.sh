#!/usr/bin/env bash
# The demo: a bounded, realistic mix of requests through the API, a look at the topic,
# then the report once the lake has caught up. Needs a running stack (./pipeline.sh up).
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/demo.sh

With the stack up: opens DEMO_USERS accounts (default 5), drives deposits, withdrawals,
purchases, sales, price and account lookups through the API with ab (bounded by -n),
sends a few requests the API must refuse, shows the newest events with kcat, waits until
every message of the topic is in the lake, and prints the report.
Settings: API_URL, KAFKA_BOOTSTRAP, PRESTO_PORT (scripts/lib/env.sh), DEMO_USERS,
DEMO_REQUESTS (requests per ab scenario, default 40), DEMO_TIMEOUT (seconds to wait for
the lake, default 180).
HELP
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/tools.sh"

DEMO_USERS="${DEMO_USERS:-5}"
DEMO_REQUESTS="${DEMO_REQUESTS:-40}"
DEMO_TIMEOUT="${DEMO_TIMEOUT:-180}"
started=$SECONDS
step() { lake_log "[demo +$((SECONDS - started))s] $*"; }

lake_require_tools ab kcat
curl -sf "$API_URL/health" > /dev/null || lake_die "no healthy API at $API_URL: run ./pipeline.sh up first"

bodies=$(mktemp -d)
trap 'rm -rf "$bodies"' EXIT
run="$(date -u +%H%M%S)"
accepted=0

# ab with keep-alive, bounded in count and time; counts the 2xx answers.
drive() {
  local label="$1" requests="$2"; shift 2
  local output complete failed concurrency=$(( requests < 4 ? requests : 4 ))
  (( requests > 0 )) || return 0
  output=$(lake_ab -q -k -l -t 60 -n "$requests" -c "$concurrency" -s 20 -H "User-Agent: lake-demo/1.0" "$@" 2>&1) \
    || lake_die "ab failed for $label: $output"
  complete=$(awk '/^Complete requests:/ {print $3}' <<< "$output")
  failed=$(awk '/^Non-2xx responses:/ {print $3}' <<< "$output")
  complete=${complete:-0}; failed=${failed:-0}
  accepted=$((accepted + complete - failed))
  printf '  %-34s %5d sent, %5d accepted, %4s req/s\n' "$label" "$complete" "$((complete - failed))" \
    "$(awk '/^Requests per second:/ {print $4}' <<< "$output")" >&2
}

post_body() {
  local name="$1" json="$2"
  printf '%s' "$json" > "$bodies/$name.json"
  echo "$bodies/$name.json"
}

step "driving the API at $API_URL ($DEMO_USERS users, up to $DEMO_REQUESTS requests per scenario)"
for n in $(seq 1 "$DEMO_USERS"); do
  user="demo_${run}_$n"
  drive "open_account $user" 1 -T application/json -p "$(post_body "open_$n" "{\"user_id\": \"$user\", \"full_name\": \"Demo Player $n\"}")" "$API_URL/open_account/"
  drive "deposit $user" "$DEMO_REQUESTS" -T application/json -p "$(post_body "deposit_$n" "{\"user_id\": \"$user\", \"amount\": \"200\"}")" "$API_URL/deposit/"
  drive "withdraw $user" "$((DEMO_REQUESTS / 4))" -T application/json -p "$(post_body "withdraw_$n" "{\"user_id\": \"$user\", \"amount\": \"25.50\"}")" "$API_URL/withdraw/"
  asset=$([[ $((n % 2)) -eq 0 ]] && echo bond_a || echo stock_a)
  drive "buy_asset $user $asset" "$((DEMO_REQUESTS / 4))" -T application/json -p "$(post_body "buy_$n" "{\"user_id\": \"$user\", \"asset_name\": \"$asset\", \"number_of\": \"$n\"}")" "$API_URL/buy_asset/"
  drive "sell_asset $user $asset" "$((DEMO_REQUESTS / 8))" -T application/json -p "$(post_body "sell_$n" "{\"user_id\": \"$user\", \"asset_name\": \"$asset\", \"number_of\": 1}")" "$API_URL/sell_asset/"
  drive "return_account_info $user" "$((DEMO_REQUESTS / 4))" "$API_URL/return_account_info/$user"
done
drive "return_price (all assets)" "$DEMO_REQUESTS" "$API_URL/return_price"
drive "return_asset_price stock_a" "$DEMO_REQUESTS" "$API_URL/return_asset_price/stock_a"
drive "return_asset_price bond_a" "$((DEMO_REQUESTS / 2))" "$API_URL/return_asset_price/bond_a"
drive "delete_account demo_${run}_1" 1 -T application/json -p "$(post_body delete "{\"user_id\": \"demo_${run}_1\", \"full_name\": \"Demo Player 1\"}")" "$API_URL/delete_account/"

step "requests the API must refuse (4xx with a JSON error, no event):"
for case in \
  "deposit/|{\"user_id\": \"demo_${run}_2\", \"amount\": \"-5\"}" \
  "withdraw/|{\"user_id\": \"demo_${run}_2\", \"amount\": \"99999999\"}" \
  "buy_asset/|{\"user_id\": \"nobody_$run\", \"asset_name\": \"stock_a\", \"number_of\": 1}" \
  "open_account/|{\"user_id\": \"demo_${run}_2\""; do
  path="${case%%|*}"; body="${case#*|}"
  answer=$(curl -s -m 10 -w ' -> HTTP %{http_code}' -H 'Content-Type: application/json' -d "$body" "$API_URL/$path")
  printf '  POST /%-14s %s\n' "$path" "$answer" >&2
done
step "$accepted requests accepted: one event each"

step "newest events on topic $EVENTS_TOPIC (kcat):"
lake_kcat -b "$KAFKA_BOOTSTRAP" -t "$EVENTS_TOPIC" -C -o -1 -e -q -f 'partition %p offset %o key %k\n%s\n' 2>/dev/null \
  | cut -c1-400 >&2 || lake_log "kcat could not read $EVENTS_TOPIC"

# Messages on the topic = sum over partitions of (last offset + 1).
messages=$(lake_kcat -b "$KAFKA_BOOTSTRAP" -t "$EVENTS_TOPIC" -C -o -1 -e -q -f '%o\n' 2>/dev/null | awk '{total += $1 + 1} END {print total + 0}')
step "topic holds $messages messages; waiting until the lake holds as many rows (at most ${DEMO_TIMEOUT}s)"
"$LAKE_REPO_ROOT/scripts/report.sh" --await-rows "$messages" --timeout-seconds "$DEMO_TIMEOUT"
step "done"
