# Compose mode of the operator scripts. Sourced after scripts/lib/env.sh, not run.
#
# LAKE_MODE=local (default): tools run on this machine against the local stack (scripts/stack.sh).
# LAKE_MODE=compose: the same tools run inside the containers of docker-compose.yml
# (`./pipeline.sh --compose ...` exports it; every script also takes --compose).

LAKE_MODE="${LAKE_MODE:-local}"
LAKE_COMPOSE_FILE="${LAKE_COMPOSE_FILE:-$LAKE_REPO_ROOT/docker-compose.yml}"

# Addresses inside the compose network: what the tools container and the services use.
# They equal the local defaults of env.sh with service names for hosts (ComposeMatchesLocalStackTest).
COMPOSE_API_URL="http://api:5000"
COMPOSE_KAFKA_BOOTSTRAP="kafka:9092"
COMPOSE_PRESTO_SERVER="presto:8080"
COMPOSE_LAKE_ROOT="hdfs://namenode:8020/lake"
# Where the tools container sees scripts/load (a read-only bind mount in docker-compose.yml).
COMPOSE_LOAD_DIR="/lake/scripts/load"

export LAKE_MODE LAKE_COMPOSE_FILE
# docker-compose.yml's secrets (lake_compose_secrets)
source "$(dirname "${BASH_SOURCE[0]}")/secrets.sh"

lake_is_compose() {
  case "$LAKE_MODE" in
    compose) return 0 ;;
    local) return 1 ;;
    *) lake_die "LAKE_MODE must be 'local' or 'compose', was '$LAKE_MODE'" ;;
  esac
}

# Fails with a clear message where Docker or its compose plugin is missing.
lake_compose_require() {
  command -v docker > /dev/null 2>&1 || lake_die "docker not found: compose mode needs Docker with the compose plugin (see docs/compose.md)"
  docker compose version > /dev/null 2>&1 || lake_die "'docker compose' is not available: install the Docker compose plugin (v2), see docs/compose.md"
}

# docker compose on the project's file, from any working folder.
lake_compose() {
  lake_compose_require
  lake_compose_secrets
  docker compose -f "$LAKE_COMPOSE_FILE" --project-directory "$LAKE_REPO_ROOT" "$@"
}

# Runs a command in a running service container; a terminal is attached only when there is one.
lake_compose_exec() {
  local service="$1"; shift
  local -a tty=(-T)
  if [[ -t 0 && -t 1 ]]; then tty=(); fi
  lake_compose exec "${tty[@]}" "$service" "$@"
}

# A Presto client on this machine against the compose stack's published port: its secrets
# (copies of the local ones unless LAKE_COMPOSE_SECRETS_DIR says otherwise) in place of the
# local stack's, for lake_presto_client_env, lake_presto_curl and the CLI.
lake_compose_presto_client() {
  lake_compose_secrets
  LAKE_SECRETS_DIR="$LAKE_COMPOSE_SECRETS_DIR"
  PRESTO_TRUSTSTORE="$LAKE_SECRETS_DIR/presto-truststore.p12"
  PRESTO_CA_CERT="$LAKE_SECRETS_DIR/presto-ca.pem"
  PRESTO_URL="https://127.0.0.1:$PRESTO_PORT"
  export LAKE_SECRETS_DIR PRESTO_TRUSTSTORE PRESTO_CA_CERT PRESTO_URL
}
