#!/usr/bin/env bash
# Load on every route of the API with ApacheBench (ab), one bounded scenario per route.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/load.sh [--compose] [-n REQUESTS] [-c CONCURRENCY] [-t SECONDS] [--list] [SCENARIO...]

Drives the running API with ab, one scenario per route, in the order of scripts/load/scenarios.txt
(look-ups, open the account, deposit, buy, sell, withdraw, prices, delete the account). Each
scenario ends at -n requests or after -t seconds, whichever comes first, with -c connections.
The request bodies are the JSON files in scripts/load/, for user "tpeters", e.g.
  POST /deposit  {"user_id": "tpeters", "amount": "200"}

Repeating one request on one account is partly refused by the game, as it should be (the
account exists after the first open_account, it is gone after the first delete_account): the
summary shows how many requests answered 2xx and how many did not.

Options:
  -n REQUESTS      requests per scenario (1-100000)                      [default 200]
  -c CONCURRENCY   concurrent connections (1-200, at most REQUESTS)      [default 4]
  -t SECONDS       time limit per scenario (1-600)                       [default 30]
  --list           prints the scenarios and exits
  --compose        runs ab in the `tools` container against http://api:5000
                   (the same as LAKE_MODE=compose, set by ./pipeline.sh --compose)
  -h, --help       this text

SCENARIO...        names from scripts/load/scenarios.txt; default: all of them

Locally the API is $API_URL (scripts/lib/env.sh: API_PORT, LAKE_HOST). Waits up to
LOAD_WAIT_SECONDS (default 30) for GET /health to answer 200 first.

Examples:
  scripts/load.sh                               # every route, 200 requests each
  scripts/load.sh -n 1000 -c 8 deposit withdraw
  ./pipeline.sh --compose up && scripts/load.sh --compose -n 50
EOF
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$LAKE_REPO_ROOT/scripts/lib/compose.sh"

LOAD_DIR="$LAKE_REPO_ROOT/scripts/load"
SCENARIO_FILE="$LOAD_DIR/scenarios.txt"
LOAD_WAIT_SECONDS="${LOAD_WAIT_SECONDS:-30}"
requests=200
concurrency=4
time_limit=30
list_only=false
selected=()

whole_number_in() {
  local name="$1" value="$2" min="$3" max="$4"
  [[ "$value" =~ ^[0-9]+$ ]] && (( value >= min && value <= max )) \
    || { echo "$name must be a whole number from $min to $max, was '$value' (see --help)" >&2; exit 2; }
}

while (( $# > 0 )); do
  case "$1" in
    -n) requests="${2:-}"; shift 2 || { echo "-n needs a value" >&2; exit 2; } ;;
    -c) concurrency="${2:-}"; shift 2 || { echo "-c needs a value" >&2; exit 2; } ;;
    -t) time_limit="${2:-}"; shift 2 || { echo "-t needs a value" >&2; exit 2; } ;;
    --list) list_only=true; shift ;;
    --compose) LAKE_MODE=compose; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "Unknown option: $1 (see --help)" >&2; exit 2 ;;
    *) selected+=("$1"); shift ;;
  esac
done
whole_number_in "-n" "$requests" 1 100000
whole_number_in "-c" "$concurrency" 1 200
whole_number_in "-t" "$time_limit" 1 600
whole_number_in "LOAD_WAIT_SECONDS" "$LOAD_WAIT_SECONDS" 1 600
(( concurrency <= requests )) || { echo "-c ($concurrency) must not exceed -n ($requests)" >&2; exit 2; }

# name method path body, one line per scenario
declare -a names=() methods=() paths=() bodies=()
while read -r name method path body; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  names+=("$name"); methods+=("$method"); paths+=("$path"); bodies+=("$body")
done < "$SCENARIO_FILE"

if [[ "$list_only" == true ]]; then
  for i in "${!names[@]}"; do
    printf '%-16s %-5s %-32s %s\n' "${names[i]}" "${methods[i]}" "${paths[i]}" "${bodies[i]}"
  done
  exit 0
fi

if (( ${#selected[@]} == 0 )); then
  selected=("${names[@]}")
fi
for name in "${selected[@]}"; do
  [[ " ${names[*]} " == *" $name "* ]] || { echo "Unknown scenario '$name' (one of: ${names[*]})" >&2; exit 2; }
done

if lake_is_compose; then
  lake_compose_require
  base_url="$COMPOSE_API_URL"
  body_dir="$COMPOSE_LOAD_DIR"
  run_tool() { lake_compose exec -T tools "$@"; }
else
  base_url="${API_URL%/}"
  body_dir="$LOAD_DIR"
  run_tool() { "$@"; }
  command -v ab > /dev/null 2>&1 || lake_die "ab (ApacheBench) not found: run scripts/setup.sh (package apache2-utils)"
  command -v curl > /dev/null 2>&1 || lake_die "curl not found: run scripts/setup.sh"
fi

# Readiness: bounded in time, says what never happened.
deadline=$((SECONDS + LOAD_WAIT_SECONDS))
until status=$(run_tool curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$base_url/health" 2>/dev/null) && [[ "$status" == 200 ]]; do
  if (( SECONDS >= deadline )); then
    lake_die "no ready API at $base_url (mode $LAKE_MODE): GET /health answered '${status:-nothing}' for ${LOAD_WAIT_SECONDS}s; start it first (./pipeline.sh up, or ./pipeline.sh --compose up)"
  fi
  sleep 1
done

lake_log "load: ${selected[*]} against $base_url (mode $LAKE_MODE): at most $requests requests or ${time_limit}s each, $concurrency connections"
printf '%-16s %-5s %-32s %8s %8s %8s %10s %9s %9s\n' SCENARIO METHOD PATH SENT 2XX OTHER REQ/S P50_MS P99_MS
failed_scenarios=0
for i in "${!names[@]}"; do
  name="${names[i]}"
  [[ " ${selected[*]} " == *" $name "* ]] || continue
  # -t before -n: ab's -t sets a default request count that a later -n overrides
  # -l: answers differ in length (JSON with ids and prices); without it ab counts them as failed
  args=(-q -l -t "$time_limit" -n "$requests" -c "$concurrency" -s 10 -H "Accept: application/json")
  if [[ "${bodies[i]}" != "-" ]]; then
    args+=(-p "$body_dir/${bodies[i]}" -T "application/json")
  fi
  if ! output=$(run_tool ab "${args[@]}" "$base_url${paths[i]}" 2>&1); then
    lake_log "load: $name: ab failed:"
    printf '%s\n' "$output" | tail -n 5 >&2
    failed_scenarios=$((failed_scenarios + 1))
    continue
  fi
  complete=$(awk -F: '/^Complete requests/ {gsub(/ /, "", $2); print $2}' <<< "$output")
  failed=$(awk -F: '/^Failed requests/ {gsub(/ /, "", $2); print $2}' <<< "$output")
  non2xx=$(awk -F: '/^Non-2xx responses/ {gsub(/ /, "", $2); print $2}' <<< "$output")
  rate=$(awk '/^Requests per second/ {print $4}' <<< "$output")
  p50=$(awk '$1 == "50%" {print $2}' <<< "$output")
  p99=$(awk '$1 == "99%" {print $2}' <<< "$output")
  other=$(( ${non2xx:-0} + ${failed:-0} ))
  ok=$(( ${complete:-0} - other ))
  (( ok >= 0 )) || ok=0
  printf '%-16s %-5s %-32s %8s %8s %8s %10s %9s %9s\n' "$name" "${methods[i]}" "${paths[i]}" \
    "${complete:-0}" "$ok" "$other" "${rate:--}" "${p50:--}" "${p99:--}"
done

if (( failed_scenarios > 0 )); then
  lake_die "load: $failed_scenarios scenario(s) could not run"
fi
