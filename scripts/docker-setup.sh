#!/usr/bin/env bash
# Makes a Docker engine with Compose v2 answer on this machine, for compose mode and its tests.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/docker-setup.sh

Where `docker info` already answers and `docker compose` is Compose v2, changes nothing.
Otherwise, as root on Debian:
  - installs Debian's docker.io (the engine) if dockerd is missing;
  - starts dockerd in the background when no engine answers (there may be no systemd to do it),
    logging to $LAKE_LOG_DIR/dockerd.log, and waits until `docker info` answers;
  - installs Compose v2 as a CLI plugin in /usr/local/lib/docker/cli-plugins when `docker compose`
    is missing or older: Debian 12's docker-compose package is Compose v1, which rejects the
    project's files, so the plugin comes from the next Debian release's docker-compose package,
    fetched with apt from the machine's own Debian mirror and unpacked (nothing else of that
    release is installed).
Where none of that can be done here (not root, not Debian) it says why and exits with 3; any
other failure exits with 1.

Environment: DOCKER_START_TIMEOUT (seconds to wait for the engine, default 90).
HELP
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

DOCKER_START_TIMEOUT="${DOCKER_START_TIMEOUT:-90}"
COMPOSE_PLUGIN_DIR=/usr/local/lib/docker/cli-plugins

engine_answers() {
  docker info > /dev/null 2>&1
}

compose_v2() {
  docker compose version --short 2> /dev/null | grep -Eq '^v?2\.'
}

# Exit status 3: no engine can be had here by this script (not root, not Debian); the caller may
# go on without one. Any other failure is 1.
require_root_on_debian() {
  if (( EUID != 0 )); then
    lake_log "ERROR: $1, and installing or starting one needs root: run scripts/docker-setup.sh as root, or see docs/compose.md"
    exit 3
  fi
  if [[ ! -r /etc/debian_version ]]; then
    lake_log "ERROR: $1, and scripts/docker-setup.sh installs one only on Debian: see docs/compose.md"
    exit 3
  fi
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q > /dev/null
  apt-get install -y -q --no-install-recommends "$@" > /dev/null
}

start_engine() {
  if ! command -v dockerd > /dev/null 2>&1; then
    lake_log "docker: installing Debian's docker.io"
    apt_install docker.io
  fi
  command -v docker > /dev/null 2>&1 || apt_install docker-cli
  if engine_answers; then
    return
  fi
  mkdir -p "$LAKE_LOG_DIR"
  lake_log "docker: starting dockerd (log: $LAKE_LOG_DIR/dockerd.log)"
  # setsid: the engine outlives the shell that started it, as a service would
  setsid dockerd >> "$LAKE_LOG_DIR/dockerd.log" 2>&1 < /dev/null &
  local deadline=$((SECONDS + DOCKER_START_TIMEOUT))
  until engine_answers; do
    if (( SECONDS >= deadline )); then
      tail -n 20 "$LAKE_LOG_DIR/dockerd.log" >&2 || true
      lake_die "docker: the engine did not answer 'docker info' within ${DOCKER_START_TIMEOUT}s (log: $LAKE_LOG_DIR/dockerd.log)"
    fi
    sleep 1
  done
}

# The Debian mirror this machine's apt already uses (deb822 or one-line sources).
debian_mirror() {
  local mirror=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z "$mirror" && -r /etc/apt/sources.list ]]; then
    mirror=$(awk '$1 == "deb" && $2 !~ /^\[/ {print $2; exit} $1 == "deb" && $2 ~ /^\[/ {print $3; exit}' /etc/apt/sources.list)
  fi
  [[ -n "$mirror" ]] || lake_die "docker: no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  printf '%s\n' "$mirror"
}

next_suite() {
  local codename
  codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  case "$codename" in
    bullseye) echo bookworm ;;
    bookworm) echo trixie ;;
    *) echo "" ;;
  esac
}

install_compose_v2() {
  local suite work
  suite=$(next_suite)
  if [[ -z "$suite" ]]; then
    # this release's own package is already Compose v2
    apt_install docker-compose
    return
  fi
  work=$(mktemp -d)
  # apt fetches as its own _apt user
  chmod 0755 "$work"
  lake_log "docker: installing Compose v2 from Debian $suite's docker-compose package"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$(debian_mirror)" "$suite" > "$work/sources.list"
  mkdir -p "$work/lists/partial" "$work/deb"
  local -a apt_options=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$work/lists")
  apt-get "${apt_options[@]}" update -q > /dev/null
  (cd "$work/deb" && apt-get "${apt_options[@]}" download docker-compose > /dev/null)
  dpkg -x "$work"/deb/docker-compose_*.deb "$work/unpacked"
  install -D -m 0755 "$work/unpacked/usr/libexec/docker/cli-plugins/docker-compose" "$COMPOSE_PLUGIN_DIR/docker-compose"
  rm -rf "$work"
}

if engine_answers && compose_v2; then
  lake_log "docker: engine $(docker version --format '{{.Server.Version}}' 2>/dev/null) and compose $(docker compose version --short) present"
  exit 0
fi
engine_answers || require_root_on_debian "no Docker engine answers 'docker info'"
start_engine
if ! compose_v2; then
  require_root_on_debian "'docker compose' is not Compose v2"
  install_compose_v2
  compose_v2 || lake_die "docker: 'docker compose version' still does not report Compose v2"
fi
lake_log "docker: engine $(docker version --format '{{.Server.Version}}') and compose $(docker compose version --short) ready"
