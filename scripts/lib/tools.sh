# ab and kcat for scripts that drive or read the stack (scripts/demo.sh, ...), in either mode.
# Sourced after scripts/lib/env.sh, not run.
#
#   lake_ab ARGS...     like ab ARGS...; locally ab on this machine; with LAKE_MODE=compose, ab in the
#                       `tools` container: URLs starting with $API_URL go to http://api:5000 instead,
#                       and a -p body file of this machine is copied into the container first
#   lake_kcat ARGS...   like kcat ARGS...; with LAKE_MODE=compose, kcat in `tools` with -b kafka:9092
#   lake_require_tools ab kcat ...   fails with a clear message when a tool is missing (in the mode used)
#
# curl "$API_URL/..." and Presto at $PRESTO_URL need no wrapper: compose publishes both on the
# same host ports as the local stack (docker-compose.yml).

source "$LAKE_REPO_ROOT/scripts/lib/compose.sh"

lake_require_tools() {
  local tool
  if lake_is_compose; then
    lake_compose_require
    for tool in "$@"; do
      lake_compose exec -T tools sh -c "command -v $tool" > /dev/null 2>&1 \
        || lake_die "$tool is not available in the tools container: is the compose stack up? (./pipeline.sh --compose up)"
    done
  else
    for tool in "$@"; do
      command -v "$tool" > /dev/null 2>&1 || lake_die "$tool is missing: run scripts/setup.sh"
    done
  fi
}

lake_ab() {
  if ! lake_is_compose; then
    ab "$@"
    return
  fi
  local -a args=()
  local arg body in_container
  local local_api="${API_URL%/}"
  while (( $# > 0 )); do
    arg="$1"; shift
    if [[ "$arg" == -p ]] && (( $# > 0 )); then
      body="$1"; shift
      [[ -f "$body" ]] || lake_die "lake_ab: body file $body does not exist"
      in_container=$(lake_compose exec -T tools sh -c 'f=$(mktemp); cat > "$f"; echo "$f"' < "$body") \
        || lake_die "lake_ab: cannot copy $body into the tools container"
      args+=(-p "$in_container")
    elif [[ "$arg" == "$local_api"* ]]; then
      args+=("$COMPOSE_API_URL${arg#"$local_api"}")
    else
      args+=("$arg")
    fi
  done
  lake_compose exec -T tools ab "${args[@]}"
}

lake_kcat() {
  if ! lake_is_compose; then
    kcat "$@"
    return
  fi
  local -a args=()
  while (( $# > 0 )); do
    if [[ "$1" == -b ]] && (( $# > 1 )); then
      args+=(-b "$COMPOSE_KAFKA_BOOTSTRAP"); shift 2
    else
      args+=("$1"); shift
    fi
  done
  lake_compose exec -T tools kcat "${args[@]}"
}
