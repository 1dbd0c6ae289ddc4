#!/usr/bin/env bash
# Opens the Presto CLI on the running stack: catalog hive, schema default.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/presto.sh [--compose] [PRESTO CLI ARGUMENTS...]

Starts the Presto CLI against the running stack on catalog `hive`, schema `default`. Without
arguments it is interactive; every argument goes to the CLI unchanged, e.g.
  scripts/presto.sh --execute "select count(*) from cash_transactions"
  scripts/presto.sh --execute "show tables" --output-format TSV
  scripts/presto.sh -f queries.sql

The CLI is com.facebook.presto:presto-cli:<presto.version of pom.xml>:jar:executable, copied by
Maven (dependency:copy) into $LAKE_STATE_DIR/tools/ on first use. It talks to Presto at
https://$LAKE_HOST:$PRESTO_PORT (scripts/lib/env.sh; compose publishes the same port on
127.0.0.1), trusting the stack's own CA, and logs in as lake-viewer with its password: the
password goes to the CLI in its environment (PRESTO_PASSWORD), never on a command line.

  --operator   logs in as lake-operator, the only user with the writable catalog `hive`
               (everyone else may read and not write: presto/etc/rules.json)
  --compose    against the compose stack, with its secrets (the same as LAKE_MODE=compose,
               set by ./pipeline.sh --compose)
  -h, --help   this text (the CLI's own options: scripts/presto.sh --help-cli)

Waits up to PRESTO_WAIT_SECONDS (default 30) for Presto to answer before starting the CLI.
EOF
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$LAKE_REPO_ROOT/scripts/lib/compose.sh"

PRESTO_WAIT_SECONDS="${PRESTO_WAIT_SECONDS:-30}"
[[ "$PRESTO_WAIT_SECONDS" =~ ^[0-9]+$ ]] && (( PRESTO_WAIT_SECONDS <= 600 )) \
  || { echo "PRESTO_WAIT_SECONDS must be a whole number up to 600, was '$PRESTO_WAIT_SECONDS'" >&2; exit 2; }

cli_args=()
user=lake-viewer
while (( $# > 0 )); do
  case "$1" in
    --compose) LAKE_MODE=compose; shift ;;
    --operator) user=lake-operator; shift ;;
    -h|--help) usage; exit 0 ;;
    --help-cli) cli_args+=(--help); shift ;;
    *) cli_args+=("$1"); shift ;;
  esac
done

presto_version() {
  local version
  version=$(sed -n 's:.*<presto.version>\(.*\)</presto.version>.*:\1:p' "$LAKE_REPO_ROOT/pom.xml" | head -n 1)
  [[ -n "$version" ]] || lake_die "cannot read <presto.version> from $LAKE_REPO_ROOT/pom.xml"
  echo "$version"
}

# The executable CLI jar, resolved through Maven (never downloaded by URL).
cli_jar() {
  local version dir jar
  version=$(presto_version)
  dir="$LAKE_STATE_DIR/tools"
  jar="$dir/presto-cli-$version-executable.jar"
  if [[ ! -s "$jar" ]]; then
    lake_log "presto.sh: resolving com.facebook.presto:presto-cli:$version:jar:executable with Maven into $dir"
    mkdir -p "$dir"
    (cd "$LAKE_REPO_ROOT" && mvn -q -B -ntp -N dependency:copy \
        -Dartifact="com.facebook.presto:presto-cli:$version:jar:executable" -DoutputDirectory="$dir") >&2 \
      || lake_die "Maven could not resolve presto-cli $version (see the output above)"
  fi
  [[ -s "$jar" ]] || lake_die "expected $jar after dependency:copy, it is not there"
  echo "$jar"
}

# Presto is ready when it has finished starting.
presto_answers() {
  lake_presto_curl "$PRESTO_URL/v1/info" --max-time 3 | grep -q '"starting" *: *false'
}

if lake_is_compose; then
  lake_compose_require
  lake_compose_presto_client
fi
command -v curl > /dev/null 2>&1 || lake_die "curl not found: run scripts/setup.sh"
[[ -r "$(lake_presto_password_file "$user")" ]] \
  || lake_die "no Presto password for $user in $LAKE_SECRETS_DIR (the stack makes it at its first start)"
cli=("${JAVA_HOME:+$JAVA_HOME/bin/}java" -jar "$(cli_jar)" --server "$PRESTO_URL" --truststore-path "$PRESTO_TRUSTSTORE"
  --truststore-password "$PRESTO_TRUSTSTORE_PASSWORD" --user "$user" --password)

if [[ " ${cli_args[*]-} " != *" --help "* ]]; then
  deadline=$((SECONDS + PRESTO_WAIT_SECONDS))
  until presto_answers 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      lake_die "Presto at $PRESTO_URL (mode $LAKE_MODE) did not answer as started within ${PRESTO_WAIT_SECONDS}s; start it first (./pipeline.sh up, or ./pipeline.sh --compose up)"
    fi
    sleep 1
  done
fi

# the CLI reads the password of --password from PRESTO_PASSWORD (given to it alone)
PRESTO_PASSWORD="$(lake_presto_password "$user")" exec "${cli[@]}" --catalog hive --schema default ${cli_args[@]+"${cli_args[@]}"}
