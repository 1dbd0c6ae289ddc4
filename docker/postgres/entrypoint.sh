#!/usr/bin/env bash
# PostgreSQL of docker-compose.yml (the Hive Metastore's database), Debian's postgresql-15, run as
# its postgres user. On the first start (an empty PGDATA volume) it creates the cluster with
# POSTGRES_USER as its superuser, password POSTGRES_PASSWORD (scram-sha-256 over the network),
# and the database POSTGRES_DB; then it serves in the foreground, exec'd for Docker's SIGTERM.
set -euo pipefail
: "${POSTGRES_USER:?POSTGRES_USER is not set}" "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set}" "${POSTGRES_DB:?POSTGRES_DB is not set}"
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  echo "postgres: creating the cluster in $PGDATA (first start)"
  initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 > /dev/null
  printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\";" \
    | postgres --single -D "$PGDATA" -c unix_socket_directories=/tmp postgres > /dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp
