#!/usr/bin/env bash
# Installs what the stack's scripts and tests need on a fresh Debian/Ubuntu machine.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/setup.sh

Installs, through apt, what is missing of: a JDK 17, Maven, curl, perl, procps (ps, with which
scripts/stack.sh checks its pid files), kcat (inspect the topic), apache2-utils (ab, the
load generator), chromium with chromium-driver (the headless browser that tests the lake
service's dashboard), and mosquitto with mosquitto-clients (the MQTT broker of the lake service's
job requests and window updates, run by scripts/stack.sh as a process of its own). Everything else (Kafka, Hadoop, Hive, Spark, Presto) comes from Maven Central
when the project builds. Safe to run again.
HELP
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

declare -A package_of=([kcat]=kcat [ab]=apache2-utils [curl]=curl [perl]=perl [ps]=procps [mvn]=maven [java]=openjdk-17-jdk-headless [mosquitto]=mosquitto [mosquitto_pub]=mosquitto-clients
  [chromium]=chromium [chromedriver]=chromium-driver)
missing=()
for command in kcat ab curl perl ps mvn java chromium chromedriver mosquitto mosquitto_pub; do
  command -v "$command" > /dev/null 2>&1 || missing+=("${package_of[$command]}")
done

if (( ${#missing[@]} > 0 )); then
  lake_log "installing with apt: ${missing[*]}"
  sudo=""
  if (( EUID != 0 )); then
    command -v sudo > /dev/null 2>&1 || lake_die "need root or sudo to install: ${missing[*]}"
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q > /dev/null
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" > /dev/null
fi

java_version=$(java -version 2>&1 | head -n 1)
[[ "$java_version" == *'"17.'* ]] || lake_die "Java 17 is required (Spark and Hadoop fail on newer JDKs), found: $java_version; set JAVA_HOME/PATH to a JDK 17"
lake_log "setup: java 17, maven, kcat, ab, curl, perl, ps, chromium, chromedriver present"
