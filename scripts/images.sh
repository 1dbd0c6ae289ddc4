#!/usr/bin/env bash
# Builds every image of docker-compose.yml and docker-compose.cluster.yml from one Debian base,
# Debian's packages and the Maven artifacts the project's poms resolve on this machine.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/images.sh [build|base|stage|sizes] [--no-stage]

  build (default)  base, stage, then `docker compose build` of every image, in one command,
                   and the compose stack's secrets (.lake/secrets/compose, made once, never
                   part of an image); after it, plain `docker compose up` works
  base             makes sure the base image LAKE_BASE_IMAGE is here: present, or pulled; where
                   no registry answers, builds banking-lake/debian:bookworm from Debian's packages
                   (debootstrap --variant=minbase, then docker import) and records it in .env
                   as LAKE_BASE_IMAGE, which docker compose reads
  stage            builds the project without tests where its artifacts are missing, and copies
                   each image's jars from the classpaths Maven wrote (target/classpath.txt of
                   api, spark-jobs and local-stack/*) into target/images/<image>/lib
  sizes            prints the size of each image

  --no-stage       build without staging again (the artifacts in target/images are current)

The images, banking-lake/<name>:0.1.0: kafka, hadoop (NameNode and DataNodes), postgres,
metastore, presto, mosquitto, streaming (the lake service, and the Spark master and workers of
the cluster shape), api and tools (kcat, ab, curl). Dockerfile: docker/Dockerfile, one stage per
image; every Java image shares the base's layer and one layer of Debian's OpenJDK 17 JRE.

Environment: LAKE_BASE_IMAGE (default: the pinned Debian image of docker-compose.yml),
DEBIAN_MIRROR (debootstrap's mirror; default: the one this machine's apt uses),
LAKE_PULL_TIMEOUT (seconds a pull of the base may take before it counts as unreachable, 60).
HELP
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/secrets.sh"
cd "$LAKE_REPO_ROOT"

# The pinned default of docker-compose.yml's x-build args (ComposeFileTest keeps them equal).
DEFAULT_BASE_IMAGE="debian:12.8-slim"
LOCAL_BASE_IMAGE="banking-lake/debian:bookworm"
LAKE_PULL_TIMEOUT="${LAKE_PULL_TIMEOUT:-60}"
STAGE_DIR="$LAKE_REPO_ROOT/target/images"
COMPOSE_FILES=(-f docker-compose.yml -f docker-compose.cluster.yml)

image_present() {
  docker image inspect "$1" > /dev/null 2>&1
}

# The value of NAME in .env, if any.
dotenv_value() {
  [[ -f .env ]] || return 0
  sed -n "s/^$1=//p" .env | tail -n 1
}

dotenv_set() {
  local name="$1" value="$2"
  touch .env
  sed -i "/^$name=/d" .env
  printf '%s=%s\n' "$name" "$value" >> .env
}

debian_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "$DEBIAN_MIRROR"
  elif [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources
  elif [[ -r /etc/apt/sources.list ]]; then
    awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list
  fi
}

build_local_base() {
  command -v debootstrap > /dev/null 2>&1 || {
    (( EUID == 0 )) || lake_die "base: debootstrap is missing and installing it needs root (apt-get install debootstrap)"
    lake_log "base: installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap > /dev/null \
      || { apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap > /dev/null; }
  }
  (( EUID == 0 )) || lake_die "base: debootstrap needs root to build $LOCAL_BASE_IMAGE"
  local mirror root started=$SECONDS
  mirror=$(debian_mirror)
  [[ -n "$mirror" ]] || lake_die "base: no Debian mirror found; set DEBIAN_MIRROR"
  root=$(mktemp -d)
  lake_log "base: debootstrap --variant=minbase bookworm from the machine's Debian mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$LAKE_LOG_DIR/debootstrap.log" 2>&1 \
    || { tail -n 20 "$LAKE_LOG_DIR/debootstrap.log" >&2; lake_die "base: debootstrap failed (log: $LAKE_LOG_DIR/debootstrap.log)"; }
  # as in Debian's own slim images: no package caches or lists in the base
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$LOCAL_BASE_IMAGE" > /dev/null
  rm -rf "$root"
  lake_log "base: $LOCAL_BASE_IMAGE built in $((SECONDS - started))s"
}

# Sets LAKE_BASE_IMAGE to an image that is present here.
cmd_base() {
  mkdir -p "$LAKE_LOG_DIR"
  local wanted="${LAKE_BASE_IMAGE:-$(dotenv_value LAKE_BASE_IMAGE)}"
  wanted="${wanted:-$DEFAULT_BASE_IMAGE}"
  if image_present "$wanted"; then
    LAKE_BASE_IMAGE="$wanted"
  elif [[ "$wanted" != "$LOCAL_BASE_IMAGE" ]] && timeout "$LAKE_PULL_TIMEOUT" docker pull -q "$wanted" > /dev/null 2>&1; then
    LAKE_BASE_IMAGE="$wanted"
  else
    if [[ "$wanted" != "$LOCAL_BASE_IMAGE" ]]; then
      lake_log "base: $wanted cannot be pulled here; building $LOCAL_BASE_IMAGE from Debian's packages instead"
    fi
    image_present "$LOCAL_BASE_IMAGE" || build_local_base
    LAKE_BASE_IMAGE="$LOCAL_BASE_IMAGE"
    dotenv_set LAKE_BASE_IMAGE "$LAKE_BASE_IMAGE"
  fi
  export LAKE_BASE_IMAGE
  lake_log "base: $LAKE_BASE_IMAGE"
}

# Copies (hard-links where it can) every jar of a classpath file into DIR; two jars with one
# file name would overwrite each other, so that fails.
stage_classpath() {
  local dir="$1"; shift
  mkdir -p "$dir"
  local entry name
  declare -A seen=()
  for entry in $(cat "$@" | tr ':' '\n'); do
    [[ -n "$entry" ]] || continue
    name=$(basename "$entry")
    [[ -f "$entry" ]] || lake_die "stage: $entry of $* is missing: run 'mvn -DskipTests install'"
    if [[ -n "${seen[$name]:-}" && "${seen[$name]}" != "$entry" ]]; then
      lake_die "stage: two jars named $name ($entry and ${seen[$name]}) in $dir"
    fi
    seen[$name]="$entry"
    ln -f "$entry" "$dir/$name" 2> /dev/null || cp -f "$entry" "$dir/$name"
  done
}

module_jar() {
  ls "$1"/target/"$2"-*.jar 2> /dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1
}

cmd_stage() {
  local started=$SECONDS
  local -a markers=(api/target/classpath.txt spark-jobs/target/classpath.txt local-stack/kafka/target/classpath.txt
    local-stack/hdfs/target/classpath.txt local-stack/metastore/target/classpath.txt)
  local marker missing=0
  for marker in "${markers[@]}"; do [[ -s "$marker" ]] || missing=1; done
  [[ -n "$(module_jar api lake-api)" && -n "$(module_jar spark-jobs lake-spark-jobs)" ]] || missing=1
  [[ -n "$(module_jar local-stack/metastore local-stack-metastore)" ]] || missing=1
  ls -d local-stack/presto-server/target/presto-server-*/lib > /dev/null 2>&1 || missing=1
  [[ -s local-stack/presto-server/target/presto-cli/presto-cli.jar ]] || missing=1
  if (( missing )); then
    lake_log "stage: building the project without tests (first run resolves Kafka, Hadoop, Hive, Spark and Presto)"
    mvn -q -B -ntp -DskipTests -DskipITs install || lake_die "stage: build failed: run 'mvn -DskipTests install' to see why"
  fi
  rm -rf "$STAGE_DIR"
  stage_classpath "$STAGE_DIR/kafka/lib" local-stack/kafka/target/classpath.txt
  stage_classpath "$STAGE_DIR/hadoop/lib" local-stack/hdfs/target/classpath.txt
  stage_classpath "$STAGE_DIR/metastore/lib" local-stack/metastore/target/classpath.txt
  ln -f "$(module_jar local-stack/metastore local-stack-metastore)" "$STAGE_DIR/metastore/lib/"
  stage_classpath "$STAGE_DIR/api/lib" api/target/classpath.txt
  ln -f "$(module_jar api lake-api)" "$STAGE_DIR/api/lib/"
  stage_classpath "$STAGE_DIR/streaming/lib" spark-jobs/target/classpath.txt
  ln -f "$(module_jar spark-jobs lake-spark-jobs)" "$STAGE_DIR/streaming/lib/"
  local presto
  presto=$(ls -d local-stack/presto-server/target/presto-server-*/ | head -n 1)
  mkdir -p "$STAGE_DIR/presto"
  cp -al "${presto%/}" "$STAGE_DIR/presto/presto-server" 2> /dev/null || cp -a "${presto%/}" "$STAGE_DIR/presto/presto-server"
  mkdir -p "$STAGE_DIR/presto/cli"
  ln -f local-stack/presto-server/target/presto-cli/presto-cli.jar "$STAGE_DIR/presto/cli/" 2> /dev/null \
    || cp -f local-stack/presto-server/target/presto-cli/presto-cli.jar "$STAGE_DIR/presto/cli/"
  lake_log "stage: $(du -sh "$STAGE_DIR" | cut -f1) of artifacts in target/images in $((SECONDS - started))s"
}

cmd_build() {
  local started=$SECONDS
  cmd_base
  [[ "${1:-}" == --no-stage ]] || cmd_stage
  lake_compose_secrets
  lake_log "build: docker compose build (base $LAKE_BASE_IMAGE)"
  # one Java image alone first: builds run side by side would each make their own copy of the
  # shared JRE layer; after this one, every other build finds it in the build cache
  docker compose "${COMPOSE_FILES[@]}" build api
  docker compose "${COMPOSE_FILES[@]}" build
  lake_log "build: every image built in $((SECONDS - started))s"
  cmd_sizes
}

cmd_sizes() {
  docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep '^banking-lake/' | sort
}

main() {
  case "${1:-build}" in
    build) shift || true; cmd_build "$@" ;;
    base) cmd_base ;;
    stage) cmd_stage ;;
    sizes) cmd_sizes ;;
    -h|--help|help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
