# The stack's secrets: the lake service's operator token and the MQTT users' passwords. Sourced
# after scripts/lib/env.sh, not run. Each secret is a file of its own under LAKE_SECRETS_DIR
# (owner-only: folder 700, files 600), made at the first start and kept afterwards; the local
# stack's processes and docker-compose.yml's secrets read those files, so no secret goes into a
# command line (ps), an image or a log. LAKE_OPERATOR_TOKEN, when set, becomes the token.

# Presto's users (presto/etc/rules.json): lake-operator alone may write (the 'hive' catalog);
# lake-analytics, the lake service's analytics routes, reads 'hive_readonly' only; lake-viewer,
# the reports, scripts/presto.sh and the tests, reads. Presto authenticates them by password over
# HTTPS (presto/etc/password-authenticator.properties), against a bcrypt file made from these.
LAKE_PRESTO_USERS=(lake-operator lake-analytics lake-viewer)

lake_presto_password_file() {
  echo "$LAKE_SECRETS_DIR/presto-$1.password"
}

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
  lake_presto_secrets_ensure
}

# Presto's TLS and passwords, made once into LAKE_SECRETS_DIR:
# - presto-keystore.password: the password of the stack's key stores (read by keytool from the
#   file, never an argument);
# - presto-ca.p12 / presto-ca.pem: the stack's own certificate authority, which signs each
#   Presto node's certificate (lake_presto_node_keystore), and its public certificate;
# - presto-truststore.p12 (PRESTO_TRUSTSTORE): that certificate alone, what clients trust; its
#   password (PRESTO_TRUSTSTORE_PASSWORD) guards a public certificate only and is no secret;
# - presto-internal.secret: the shared secret Presto's nodes sign their internal requests with;
# - presto-<user>.password, and presto-password.db: their bcrypt hashes (htpasswd), for Presto.
lake_presto_secrets_ensure() {
  local storepass="$LAKE_SECRETS_DIR/presto-keystore.password" user file db="$LAKE_SECRETS_DIR/presto-password.db"
  [[ -s "$storepass" ]] || lake_write_secret "$storepass" "$(lake_random_secret)"
  [[ -s "$LAKE_SECRETS_DIR/presto-internal.secret" ]] || lake_write_secret "$LAKE_SECRETS_DIR/presto-internal.secret" "$(lake_random_secret)"
  for user in "${LAKE_PRESTO_USERS[@]}"; do
    file=$(lake_presto_password_file "$user")
    [[ -s "$file" ]] || lake_write_secret "$file" "$(lake_random_secret)"
  done
  if [[ ! -s "$LAKE_SECRETS_DIR/presto-ca.p12" || ! -s "$LAKE_SECRETS_DIR/presto-ca.pem" ]]; then
    command -v keytool > /dev/null 2>&1 || lake_die "keytool (the JDK's) not found: run scripts/setup.sh"
    rm -f "$LAKE_SECRETS_DIR/presto-ca.p12" "$LAKE_SECRETS_DIR/presto-ca.pem" "$PRESTO_TRUSTSTORE"
    ( umask 077
      keytool -genkeypair -alias lake-ca -keyalg RSA -keysize 2048 -validity 3650 -dname "CN=banking-lake Presto CA" \
        -ext bc:c -storetype PKCS12 -keystore "$LAKE_SECRETS_DIR/presto-ca.p12" -storepass:file "$storepass" 2> /dev/null \
        && keytool -exportcert -rfc -alias lake-ca -keystore "$LAKE_SECRETS_DIR/presto-ca.p12" -storepass:file "$storepass" \
          -file "$LAKE_SECRETS_DIR/presto-ca.pem" > /dev/null 2>&1 ) \
      || lake_die "keytool could not make Presto's certificate authority in $LAKE_SECRETS_DIR"
    chmod 644 "$LAKE_SECRETS_DIR/presto-ca.pem"
    lake_log "secrets: made Presto's certificate authority, $LAKE_SECRETS_DIR/presto-ca.pem"
  fi
  if [[ ! -s "$PRESTO_TRUSTSTORE" ]]; then
    keytool -importcert -noprompt -alias lake-ca -file "$LAKE_SECRETS_DIR/presto-ca.pem" -storetype PKCS12 \
      -keystore "$PRESTO_TRUSTSTORE.tmp" -storepass "$PRESTO_TRUSTSTORE_PASSWORD" > /dev/null 2>&1 \
      || lake_die "keytool could not make the Presto trust store $PRESTO_TRUSTSTORE"
    chmod 644 "$PRESTO_TRUSTSTORE.tmp"
    mv -f "$PRESTO_TRUSTSTORE.tmp" "$PRESTO_TRUSTSTORE"
  fi
  local stale=0
  [[ -s "$db" ]] || stale=1
  for user in "${LAKE_PRESTO_USERS[@]}"; do
    [[ "$(lake_presto_password_file "$user")" -nt "$db" ]] && stale=1
  done
  if (( stale )); then
    command -v htpasswd > /dev/null 2>&1 || lake_die "htpasswd (apache2-utils) not found: run scripts/setup.sh"
    ( umask 077
      : > "$db.tmp"
      for user in "${LAKE_PRESTO_USERS[@]}"; do
        # -i: the password from stdin, never an argument; bcrypt, cost 10
        htpasswd -niBC 10 "$user" < "$(lake_presto_password_file "$user")" | head -n 1 >> "$db.tmp"
      done )
    mv -f "$db.tmp" "$db"
  fi
}

# lake_presto_node_keystore KEYSTORE NAMES...: a key store (PKCS12, the password of
# presto-keystore.password) holding a new key and its certificate, signed by the stack's CA, for
# every NAME (an IP address or a host name: the addresses clients and the other nodes use).
# Made again when the names change. Needs the CA files (lake_presto_secrets_ensure).
lake_presto_node_keystore() {
  local keystore="$1" ; shift
  local storepass="$LAKE_SECRETS_DIR/presto-keystore.password" san="" name
  for name in "$@"; do
    [[ -n "$name" && "$name" != 0.0.0.0 ]] || continue
    if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then san+="${san:+,}IP:$name"; else san+="${san:+,}DNS:$name"; fi
  done
  if [[ -s "$keystore" && "$(cat "$keystore.names" 2>/dev/null)" == "$san" ]]; then
    return 0
  fi
  rm -f "$keystore" "$keystore.names"
  mkdir -p "$(dirname "$keystore")"
  ( umask 077
    set -o pipefail
    keytool -genkeypair -alias presto -keyalg RSA -keysize 2048 -validity 3650 -dname "CN=presto" -storetype PKCS12 \
      -keystore "$keystore" -storepass:file "$storepass" > /dev/null 2>&1 \
      && keytool -certreq -alias presto -keystore "$keystore" -storepass:file "$storepass" 2> /dev/null \
        | keytool -gencert -alias lake-ca -keystore "$LAKE_SECRETS_DIR/presto-ca.p12" -storepass:file "$storepass" \
          -ext "SAN=$san" -ext ku:c=digitalSignature,keyEncipherment -ext eku=serverAuth,clientAuth -validity 3650 -rfc \
          > "$keystore.pem" 2> /dev/null \
      && keytool -importcert -noprompt -alias lake-ca -file "$LAKE_SECRETS_DIR/presto-ca.pem" -keystore "$keystore" \
        -storepass:file "$storepass" > /dev/null 2>&1 \
      && keytool -importcert -alias presto -file "$keystore.pem" -keystore "$keystore" -storepass:file "$storepass" > /dev/null 2>&1 ) \
    || lake_die "keytool could not make Presto's key store $keystore for $san"
  rm -f "$keystore.pem"
  printf '%s\n' "$san" > "$keystore.names"
}

# lake_presto_curl URL [CURL ARGUMENTS...]: curl against Presto, trusting the stack's CA and
# logged in as lake-viewer; the credentials go to curl on stdin (-K -), never as arguments.
lake_presto_curl() {
  local url="$1"; shift
  printf 'user = "lake-viewer:%s"\n' "$(lake_presto_password lake-viewer)" \
    | curl -sf --cacert "$PRESTO_CA_CERT" -K - "$@" "$url"
}

# lake_presto_render TEMPLATE TARGET: lake_render with Presto's secrets (the key store's password,
# the internal shared secret, the password file) in the environment of the renderer only: the
# Presto process started afterwards never has them in its environment.
lake_presto_render() {
  ( PRESTO_KEYSTORE_PASSWORD="$(head -n 1 "$LAKE_SECRETS_DIR/presto-keystore.password")" \
    PRESTO_SHARED_SECRET="$(head -n 1 "$LAKE_SECRETS_DIR/presto-internal.secret")" \
    PRESTO_PASSWORD_DB="$LAKE_SECRETS_DIR/presto-password.db" \
    lake_render "$1" "$2" )
}

# lake_presto_client_env [USER]: exports the login of a JDBC client started from a script
# (PrestoClientLogin: PRESTO_USER and PRESTO_PASSWORD_FILE; the trust store comes from env.sh),
# as USER, lake-viewer by default.
lake_presto_client_env() {
  PRESTO_USER="${1:-lake-viewer}"
  PRESTO_PASSWORD_FILE="$(lake_presto_password_file "$PRESTO_USER")"
  [[ -r "$PRESTO_PASSWORD_FILE" ]] || lake_die "no Presto password for $PRESTO_USER: $PRESTO_PASSWORD_FILE is missing (scripts/stack.sh start makes it)"
  export PRESTO_USER PRESTO_PASSWORD_FILE
}

# lake_presto_password USER: the Presto password of USER, for a script (never printed).
lake_presto_password() {
  head -n 1 "$(lake_presto_password_file "$1")"
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
  local -a names=(operator-token presto-ca.p12 presto-ca.pem presto-truststore.p12 presto-keystore.password presto-internal.secret
    presto-password.db)
  local user name source
  for user in "${LAKE_MQTT_USERS[@]}"; do names+=("mqtt-$user.password"); done
  for user in "${LAKE_PRESTO_USERS[@]}"; do names+=("presto-$user.password"); done
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
