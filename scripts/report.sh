#!/usr/bin/env bash
# Prints the answers of the saved business queries (presto/queries) from the running stack.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/report.sh [--format table|csv|json] [--await-rows N [--timeout-seconds S]]

Runs every query of presto/queries through Presto JDBC and prints each answer under its
question. --format csv|json for machines. --await-rows waits first until the lake holds at
least N rows. Presto is found at PRESTO_PORT (default 8080) on LAKE_HOST, over HTTPS, logged in
as lake-viewer with its password (scripts/lib/secrets.sh).
HELP
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/java.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/compose.sh"
# as lake-viewer, with its password, over TLS trusting the stack's CA (compose: the compose
# stack's secrets, against its published port)
lake_is_compose && lake_compose_presto_client
lake_presto_client_env lake-viewer

lake_java_main presto lake-presto dev.bankinglake.presto.report.Report \
  --url "jdbc:presto://$LAKE_HOST:$PRESTO_PORT/hive/default" --queries "$LAKE_REPO_ROOT/presto/queries" "$@"
