#!/usr/bin/env bash
# The main job: the whole pipeline, API -> Kafka -> Spark -> Parquet on HDFS -> Hive Metastore -> Presto.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: ./pipeline.sh [up|demo|down|status|build] [--cluster]

  (none)   up, then demo: from nothing to a printed report
  up       installs what is missing (scripts/setup.sh), builds the project if needed, and
           starts Kafka, HDFS, the Hive Metastore, Presto, the API and the streaming job
           as local processes; waits until each answers. Safe to run again.
  demo     drives a bounded mix of requests through the API, shows events with kcat,
           waits for the lake to catch up and prints the report (needs `up`)
  down     stops every process that `up` started
  status   shows each service, its port and whether it answers
  build    rebuilds the project (mvn install without tests)

  --cluster  up (and a later status or down) runs the cluster shape of scripts/stack.sh: a Spark
           standalone master and workers with the lake service's driver on it, three Kafka
           brokers, a Presto coordinator and worker, HDFS with two DataNodes (docs/scale-out.md)

  --compose [build|up|demo|down|status]   the same against docker-compose.yml instead of local
           processes (needs Docker; see docs/compose.md). No command: build where an image is
           missing, up, then demo. build: every image from one Debian base, Debian's packages and
           the Maven artifacts of this project (scripts/images.sh build); after it, plain
           `docker compose up` works.

The local stack needs no Docker. State and logs live in $LAKE_STATE_DIR (default .lake/).
Ports and hosts come from the environment: see scripts/lib/env.sh.
EOF
}

cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib/env.sh

PIPELINE_STARTED=$SECONDS

step() {
  lake_log "[+$((SECONDS - PIPELINE_STARTED))s] $*"
}

build() {
  step "building the project (first run resolves Kafka, Hadoop, Hive, Spark and Presto from Maven Central)"
  mvn -q -B -ntp -DskipTests -DskipITs install || lake_die "build failed: run 'mvn -DskipTests install' to see why"
}

# Built artifacts are missing, or sources changed since the last build.
needs_build() {
  local marker="api/target/classpath.txt"
  [[ -s "$marker" && -s spark-jobs/target/classpath.txt && -d local-stack/presto-server/target ]] || return 0
  [[ -n "$(find contract/src api/src spark-jobs/src presto/src -newer "$marker" -type f -print -quit 2>/dev/null)" ]]
}

cmd_up() {
  step "setup"
  scripts/setup.sh
  if needs_build; then build; else step "build is up to date (./pipeline.sh build forces one)"; fi
  step "starting the stack"
  scripts/stack.sh "${STACK_SHAPE[@]}" start
  step "stack is up:"
  scripts/stack.sh "${STACK_SHAPE[@]}" status || true
  cat >&2 <<EOF

  API     $API_URL          (try: curl $API_URL/return_price)
  Presto  $PRESTO_URL          (scripts/presto.sh)
  Kafka   $KAFKA_BOOTSTRAP         (scripts/inspect-topic.sh)
  Logs    $LAKE_LOG_DIR
EOF
}

cmd_demo() {
  [[ -x scripts/demo.sh ]] || lake_die "scripts/demo.sh is missing"
  scripts/demo.sh
}

# --cluster: the cluster shape of scripts/stack.sh
STACK_SHAPE=()

main() {
  local -a arguments=()
  local argument
  for argument in "$@"; do
    if [[ "$argument" == --cluster ]]; then STACK_SHAPE=(--cluster); else arguments+=("$argument"); fi
  done
  set -- "${arguments[@]}"
  local command="${1:-all}"
  case "$command" in
    all) cmd_up; cmd_demo ;;
    up) cmd_up ;;
    demo) cmd_demo ;;
    down) scripts/stack.sh "${STACK_SHAPE[@]}" stop ;;
    status) scripts/stack.sh "${STACK_SHAPE[@]}" status ;;
    build) build ;;
    -h|--help|help) usage ;;
    *) usage; exit 2 ;;
  esac
}

# Builds the images where one of docker-compose.yml's is missing (nothing can be pulled: they are
# the project's own).
compose_images() {
  local image
  for image in $(lake_compose config --images); do
    if ! docker image inspect "$image" > /dev/null 2>&1; then
      step "image $image is missing: building the images (scripts/images.sh build)"
      scripts/images.sh build
      return
    fi
  done
}

# --compose: the same commands against docker-compose.yml. LAKE_MODE=compose makes the
# scripts demo.sh uses (load.sh, inspect-topic.sh, presto.sh, hdfs.sh) run inside the containers.
compose_main() {
  export LAKE_MODE=compose
  source scripts/lib/compose.sh
  case "${1:-all}" in
    all) compose_images; step "docker compose up"; lake_compose up -d --wait; cmd_demo ;;
    build) scripts/images.sh build ;;
    up) compose_images; lake_compose up -d --wait ;;
    demo) cmd_demo ;;
    down) lake_compose down ;;
    status) lake_compose ps ;;
    -h|--help|help) usage ;;
    *) usage; exit 2 ;;
  esac
}

if [[ "${1:-}" == "--compose" ]]; then
  shift
  compose_main "$@"
  exit
fi

main "$@"
