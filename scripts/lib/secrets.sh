# The stack's secrets: the lake service's operator token and the MQTT users' passwords. Sourced
# after scripts/lib/env.sh, not run. Each secret is a file of its own under LAKE_SECRETS_DIR
# (owner-only: folder 700, files 600), made at the first start and kept afterwards; the local
# stack's processes and docker-compose.yml's secrets read those files, so no secret goes into a
# command line (ps), an image or a log. LAKE_OPERATOR_TOKEN, when set, becomes the token.

# The MQTT users of the broker's ACL (local-stack/conf/mosquitto/acl): the lake service reads
# requests and writes replies and window updates; an operator writes requests and reads replies;
# a viewer reads window updates only.
LAKE_MQTT_USERS=(lake-service lake-operator lake-viewer)

lake_mqtt_password_file() {
  echo "$LAKE_SECRETS_DIR/mqtt-$1.password"
}

# 64 hexadecimal characters from the kernel's random source.
lake_random_secret() {
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
}

# Writes VALUE into FILE, readable by its owner only, without it ever being an argument.
lake_write_secret() {
  local file="$1" value="$2"
  ( umask 077; printf '%s\n' "$value" > "$file.tmp" )
  mv -f "$file.tmp" "$file"
}

# Makes what is missing of the secrets; LAKE_OPERATOR_TOKEN replaces the recorded token.
lake_secrets_ensure() {
  ( umask 077; mkdir -p "$LAKE_SECRETS_DIR" )
  chmod 700 "$LAKE_SECRETS_DIR"
  if [[ -n "${LAKE_OPERATOR_TOKEN:-}" ]]; then
    (( ${#LAKE_OPERATOR_TOKEN} >= 16 )) || lake_die "LAKE_OPERATOR_TOKEN must be at least 16 characters"
    if [[ ! -f "$LAKE_OPERATOR_TOKEN_FILE" || "$(head -n 1 "$LAKE_OPERATOR_TOKEN_FILE")" != "$LAKE_OPERATOR_TOKEN" ]]; then
      lake_write_secret "$LAKE_OPERATOR_TOKEN_FILE" "$LAKE_OPERATOR_TOKEN"
    fi
  elif [[ ! -s "$LAKE_OPERATOR_TOKEN_FILE" ]]; then
    lake_write_secret "$LAKE_OPERATOR_TOKEN_FILE" "$(lake_random_secret)"
    lake_log "secrets: made the lake service's operator token, $LAKE_OPERATOR_TOKEN_FILE"
  fi
  local user file
  for user in "${LAKE_MQTT_USERS[@]}"; do
    file=$(lake_mqtt_password_file "$user")
    [[ -s "$file" ]] || lake_write_secret "$file" "$(lake_random_secret)"
  done
}

# The operator token, for a script that calls the lake service (never printed).
lake_operator_token() {
  if [[ -n "${LAKE_OPERATOR_TOKEN:-}" ]]; then
    printf '%s' "$LAKE_OPERATOR_TOKEN"
  elif [[ -r "$LAKE_OPERATOR_TOKEN_FILE" ]]; then
    head -n 1 "$LAKE_OPERATOR_TOKEN_FILE"
  else
    lake_die "no operator token: $LAKE_OPERATOR_TOKEN_FILE is missing (scripts/stack.sh start makes it; or set LAKE_OPERATOR_TOKEN)"
  fi
}

# Writes Mosquitto's password file (hashed by mosquitto_passwd) into FILE from the users' files.
lake_mosquitto_password_file() {
  local file="$1" user
  ( umask 077
    : > "$file.plain"
    for user in "${LAKE_MQTT_USERS[@]}"; do
      printf '%s:%s\n' "$user" "$(head -n 1 "$(lake_mqtt_password_file "$user")")" >> "$file.plain"
    done )
  # -U hashes a plain user:password file in place: no password on a command line
  mosquitto_passwd -U "$file.plain" || lake_die "mosquitto_passwd could not hash $file.plain"
  mv -f "$file.plain" "$file"
}

# The compose stack's secrets (docker-compose.yml's secrets: section), exported as
# LAKE_COMPOSE_SECRETS_DIR for docker compose. By default copies of the local stack's secrets in
# LAKE_SECRETS_DIR/compose, refreshed when those change: compose mounts a file secret as it is on
# the host and the services run as their own users (lake, mosquitto), so the copies are readable
# by all (0644), inside LAKE_SECRETS_DIR (700), which keeps every other user of this machine
# out. A LAKE_COMPOSE_SECRETS_DIR given from outside holds its own secrets: it is only checked.
lake_compose_secrets() {
  local -a names=(operator-token)
  local user name source
  for user in "${LAKE_MQTT_USERS[@]}"; do names+=("mqtt-$user.password"); done
  if [[ -n "${LAKE_COMPOSE_SECRETS_DIR:-}" ]]; then
    for name in "${names[@]}"; do
      [[ -s "$LAKE_COMPOSE_SECRETS_DIR/$name" ]] || lake_die "LAKE_COMPOSE_SECRETS_DIR: $LAKE_COMPOSE_SECRETS_DIR/$name is missing"
    done
    export LAKE_COMPOSE_SECRETS_DIR
    return 0
  fi
  lake_secrets_ensure
  LAKE_COMPOSE_SECRETS_DIR="$LAKE_SECRETS_DIR/compose"
  export LAKE_COMPOSE_SECRETS_DIR
  mkdir -p "$LAKE_COMPOSE_SECRETS_DIR"
  for name in "${names[@]}"; do
    if [[ "$name" == operator-token ]]; then source="$LAKE_OPERATOR_TOKEN_FILE"; else source="$LAKE_SECRETS_DIR/$name"; fi
    if ! cmp -s "$source" "$LAKE_COMPOSE_SECRETS_DIR/$name"; then
      install -m 0644 "$source" "$LAKE_COMPOSE_SECRETS_DIR/$name.tmp"
      mv -f "$LAKE_COMPOSE_SECRETS_DIR/$name.tmp" "$LAKE_COMPOSE_SECRETS_DIR/$name"
    fi
  done
}
