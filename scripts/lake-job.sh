#!/usr/bin/env bash
# Runs a named job on the lake service (POST /jobs) and prints its answer.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/lake-job.sh [--async] [--external-id ID] [--timeout-seconds S] NAME [key=value...]

Runs job NAME of the lake service's router (GET /jobs lists them: audit, replay-rejected, ...)
with the given parameters and prints the answer, {"success", "payload", "errors", "request"}.
Synchronous by default: waits for the result. --async returns at once with the run's id; follow
it with `curl $LAKE_SERVICE_URL/jobs/<id>`, cancel it with `curl -X DELETE ...` and the
operator token (README, "Who may reach what").
Exit code: 0 when the answer says success, 1 otherwise.

  scripts/lake-job.sh audit
  scripts/lake-job.sh audit max_ids=20
  scripts/lake-job.sh replay-rejected from_dt=2026-11-20 to_dt=2026-11-21
  scripts/lake-job.sh --async audit

The service is found at LAKE_SERVICE_URL (default http://$LAKE_HOST:$LAKE_SERVICE_PORT, see
scripts/lib/env.sh). POST /jobs needs the operator token: the script reads it from
LAKE_OPERATOR_TOKEN_FILE (made by scripts/stack.sh start) or LAKE_OPERATOR_TOKEN, and sends it
as a header on curl's standard input, never on a command line.
HELP
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/secrets.sh"
SERVICE_URL="${LAKE_SERVICE_URL:-http://$LAKE_HOST:${LAKE_SERVICE_PORT:-5050}}"

mode=sync
external_id=""
timeout_seconds=1800
while (( $# > 0 )); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --async) mode=async; shift ;;
    --external-id) [[ $# -ge 2 ]] || lake_die "--external-id needs a value"; external_id="$2"; shift 2 ;;
    --timeout-seconds) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || lake_die "--timeout-seconds needs a number"; timeout_seconds="$2"; shift 2 ;;
    --) shift; break ;;
    -*) usage >&2; lake_die "unknown option $1" ;;
    *) break ;;
  esac
done
(( $# >= 1 )) || { usage >&2; exit 2; }
job="$1"; shift

# JSON string: backslash and double quote escaped, control characters refused
json_string() {
  local value="$1"
  [[ "$value" != *[[:cntrl:]]* ]] || lake_die "control characters are not allowed in '$value'"
  value="${value//\\/\\\\}"
  value="${value//\"/\\\"}"
  printf '"%s"' "$value"
}

parameters=""
for pair in "$@"; do
  [[ "$pair" == *=* ]] || lake_die "parameter '$pair' is not key=value"
  key="${pair%%=*}"
  [[ -n "$key" ]] || lake_die "parameter '$pair' has no name"
  parameters+="${parameters:+, }$(json_string "$key"): $(json_string "${pair#*=}")"
done
body="{\"job\": $(json_string "$job"), \"parameters\": {${parameters}}, \"mode\": \"$mode\""
[[ -z "$external_id" ]] || body+=", \"external_id\": $(json_string "$external_id")"
body+="}"

token=$(lake_operator_token)
answer=$(printf 'Authorization: Bearer %s\n' "$token" \
  | curl -sS --max-time "$timeout_seconds" -X POST "$SERVICE_URL/jobs" -H @- -H 'Content-Type: application/json' --data-binary "$body") \
  || lake_die "the lake service at $SERVICE_URL did not answer (is it running? scripts/stack.sh status)"
printf '%s\n' "$answer"
[[ "$answer" == *'"success":true'* ]]
