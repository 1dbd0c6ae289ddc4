#!/usr/bin/env bash
# Looks into the lake on HDFS: list, sizes, or any `hdfs dfs` command.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/hdfs.sh [--compose] [ls|lsr|du|dfs] [ARGS...]

  ls  [PATH]     lists PATH                        (default: the lake root, /lake)
  lsr [PATH]     lists PATH recursively            (default: /lake)
  du  [PATH]     size of each folder under PATH    (default: /lake, i.e. one line per table)
  dfs ARGS...    any `hdfs dfs` command, e.g.  scripts/hdfs.sh dfs -cat /lake/x/part-0.parquet
  (none)         the same as `du`, then `ls`

PATH is a path on the stack's HDFS (/lake/cash_transactions) or a full hdfs:// URI.

Locally runs Hadoop's FsShell (org.apache.hadoop.fs.FsShell) on the HDFS classpath of the
local stack (local-stack/hdfs/target/classpath.txt) with HADOOP_CONF_DIR of scripts/lib/env.sh.
  --compose    runs `hdfs dfs` in the namenode container instead
               (the same as LAKE_MODE=compose, set by ./pipeline.sh --compose)
  -h, --help   this text

Every call is bounded by HDFS_COMMAND_TIMEOUT seconds (default 60).

Examples:
  scripts/hdfs.sh du
  scripts/hdfs.sh lsr /lake/cash_transactions
  scripts/hdfs.sh --compose ls /checkpoints
EOF
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$LAKE_REPO_ROOT/scripts/lib/compose.sh"

HDFS_COMMAND_TIMEOUT="${HDFS_COMMAND_TIMEOUT:-60}"
[[ "$HDFS_COMMAND_TIMEOUT" =~ ^[0-9]+$ ]] && (( HDFS_COMMAND_TIMEOUT >= 1 && HDFS_COMMAND_TIMEOUT <= 3600 )) \
  || { echo "HDFS_COMMAND_TIMEOUT must be a whole number from 1 to 3600, was '$HDFS_COMMAND_TIMEOUT'" >&2; exit 2; }

args=()
while (( $# > 0 )); do
  case "$1" in
    --compose) LAKE_MODE=compose; shift ;;
    -h|--help) usage; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

# /lake: the path part of LAKE_ROOT (hdfs://host:port/lake), the same locally and in compose
lake_path="/${LAKE_ROOT#*://*/}"

if lake_is_compose; then
  lake_compose_require
  dfs() { lake_compose exec -T namenode timeout "$HDFS_COMMAND_TIMEOUT" hdfs dfs "$@"; }
else
  classpath_file="$LAKE_REPO_ROOT/local-stack/hdfs/target/classpath.txt"
  [[ -s "$classpath_file" ]] || lake_die "no HDFS classpath at $classpath_file: build it with 'mvn -q -pl local-stack/hdfs install' or ./pipeline.sh up"
  [[ -f "$HADOOP_CONF_DIR/core-site.xml" ]] || lake_die "no $HADOOP_CONF_DIR/core-site.xml: start the local stack first (scripts/stack.sh start hdfs)"
  lake_port_open "$LAKE_HOST" "$HDFS_PORT" || lake_die "HDFS is not answering on $LAKE_HOST:$HDFS_PORT: start it first (scripts/stack.sh start hdfs)"
  dfs() {
    timeout "$HDFS_COMMAND_TIMEOUT" "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx256m \
      -Dlog4j.configuration="file:$LAKE_REPO_ROOT/local-stack/conf/hadoop/log4j.properties" \
      -Dhadoop.root.logger=WARN,console \
      -cp "$HADOOP_CONF_DIR:$(cat "$classpath_file")" org.apache.hadoop.fs.FsShell "$@"
  }
fi

run() {
  local status=0
  dfs "$@" || status=$?
  case "$status" in
    0) ;;
    124) lake_die "hdfs dfs $* did not finish within ${HDFS_COMMAND_TIMEOUT}s (mode $LAKE_MODE)" ;;
    *) lake_die "hdfs dfs $* failed (exit $status, mode $LAKE_MODE)" ;;
  esac
}

command="${args[0]:-summary}"
path="${args[1]:-$lake_path}"
case "$command" in
  ls) run -ls "$path" ;;
  lsr) run -ls -R "$path" ;;
  du) run -du -h "$path" ;;
  dfs) (( ${#args[@]} > 1 )) || lake_die "dfs needs arguments, e.g. scripts/hdfs.sh dfs -ls /"; run "${args[@]:1}" ;;
  summary)
    dfs -test -d "$lake_path" || lake_die "the lake root $lake_path does not exist yet on HDFS (mode $LAKE_MODE): the streaming job creates it"
    run -du -h -s "$lake_path"; run -du -h "$lake_path" ;;
  *) echo "Unknown command '$command' (see --help)" >&2; exit 2 ;;
esac
