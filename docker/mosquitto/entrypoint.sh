#!/usr/bin/env bash
# Mosquitto of docker-compose.yml: its password file, hashed by mosquitto_passwd from the users'
# secrets (/run/secrets/mqtt-<user>), and the health check's options file (the viewer's login),
# both owner-only under /tmp/lake; then the broker, exec'd so that it gets Docker's SIGTERM.
set -euo pipefail
umask 077
mkdir -p /tmp/lake/probe
: > /tmp/lake/passwords.plain
for user in lake-service lake-operator lake-viewer; do
  secret="/run/secrets/mqtt-$user"
  [[ -s "$secret" ]] || { echo "mosquitto: the secret $secret is missing" >&2; exit 1; }
  printf '%s:%s\n' "$user" "$(head -n 1 "$secret")" >> /tmp/lake/passwords.plain
done
# -U hashes a plain user:password file in place: no password on a command line
mosquitto_passwd -U /tmp/lake/passwords.plain
mv -f /tmp/lake/passwords.plain /tmp/lake/passwords
printf -- '-u lake-viewer\n-P %s\n' "$(head -n 1 /run/secrets/mqtt-lake-viewer)" > /tmp/lake/probe/mosquitto_pub
exec mosquitto -c /mosquitto/config/mosquitto.conf
