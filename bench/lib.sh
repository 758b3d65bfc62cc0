# shellcheck shell=bash
# Shared by the bench scripts (sourced, not run): the JDK and Berth settings every script starts
# with (bench_java, bench_berth_settings), logging, ports, starting and stopping one Berth, psql,
# the load generator, nginx's configuration. The caller sets WORK, DATA and DB (and, through
# bench_java and bench_berth_settings, JAVA, BERTH_JAR, BERTH_JAVA_OPTS, BERTH_PASSWORD and AUTH),
# and stops $PID in its EXIT trap; for load, LOAD_TIMEOUT and the compiled load generator in
# $WORK/classes. run.sh, which starts several targets, replaces the single-Berth helpers with its own.

# bench_java: JAVA_HOME (JDK 25) and JAVA, as every script uses them
bench_java() {
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  JAVA="$JAVA_HOME/bin/java"
}

# bench_berth_settings: BERTH_JAR, BERTH_JAVA_OPTS, BERTH_PASSWORD and AUTH from the environment
# (BENCH_BERTH_JAR, BERTH_JAVA_OPTS, BENCH_BERTH_PASSWORD), with the defaults every script shares
bench_berth_settings() {
  BERTH_JAR=${BENCH_BERTH_JAR:-$ROOT/berth-server/target/berth.jar}
  BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:-}
  BERTH_PASSWORD=${BENCH_BERTH_PASSWORD:-Bench-Admin-2026}
  AUTH="admin:$BERTH_PASSWORD"
}

# proc_cpu PID: user+system CPU seconds of the process (all its threads)
proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

log() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[31m!! %s\033[0m\n' "$*" >&2; }
now() { date +%s.%N; }

# free_port: a port nothing listens on, below Linux's ephemeral range (32768 and up by default), so
# that no outgoing connection takes it between this check and Berth binding it
free_port() {
  local port
  for port in $(shuf -i 20000-32000 -n 100); do
    ss -ltnH "sport = :$port" | grep -q . || { echo "$port"; return 0; }
  done
  return 1
}

# wait_http URL SECONDS [CODES]: polls until URL answers one of CODES (a regex), or Berth exits
wait_http() {
  local url=$1 seconds=$2 codes=${3:-200}
  for _ in $(seq 1 $((seconds * 5))); do
    kill -0 "$PID" 2>/dev/null || return 1
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url") =~ ^($codes)$ ]] && return 0
    sleep 0.2
  done
  return 1
}

# stop_berth: stops the Berth started last ($PID), politely, then forcibly after 10 s
stop_berth() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
}

# start_berth [BERTH ARGS...]: starts Berth on a free 127.0.0.1 port against database $DB with its
# data in $DATA; sets PID and URL and returns once admin can log in. The admin user is created
# after the port opens, so readiness is awaited before the first authenticated request (failed
# logins would count towards the lock-out).
start_berth() {
  local port
  port=$(free_port) || { warn "no free port"; return 1; }
  URL="http://127.0.0.1:$port"
  mkdir -p "$DATA"
  # shellcheck disable=SC2086
  BERTH_ADMIN_PASSWORD="$BERTH_PASSWORD" BERTH_DATA_DIR="$DATA" \
    SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB" SPRING_DATASOURCE_USERNAME=postgres \
    "$JAVA" $BERTH_JAVA_OPTS -jar "$BERTH_JAR" --server.port="$port" --server.address=127.0.0.1 "$@" \
    >"$WORK/berth.log" 2>&1 &
  PID=$!
  if ! wait_http "$URL/v2/" 180 '200|401' || ! wait_http "$URL/actuator/health/readiness" 60; then
    tail -40 "$WORK/berth.log" >&2
    return 1
  fi
  [[ $(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" "$URL/v2/") == 200 ]] || { warn "admin login failed"; return 1; }
}

# nginx_conf DIR PORT ROOT: writes DIR/nginx.conf for Debian's nginx serving ROOT as static files on
# 127.0.0.1:PORT in the foreground, logs and temporary files under DIR: the reference registry GETs
# are measured against.
nginx_conf() {
  local dir=$1 port=$2 root=$3
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  types { application/json json; }
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  server {
    listen 127.0.0.1:$port;
    root $root;
  }
}
EOF
}

# The PostgreSQL on 127.0.0.1 that Berth and the scripts use: BENCH_PG_PORT (default 5432).
PG_PORT=${BENCH_PG_PORT:-5432}
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)

# pg ARGS...: psql, retried while the server refuses with "too many clients" (a shared server)
pg() {
  local out
  for _ in $(seq 1 120); do
    if out=$("${PSQL[@]}" "$@" 2>"$WORK/pg.err"); then
      [[ -z "$out" ]] || printf '%s\n' "$out"
      return 0
    fi
    grep -q 'too many clients' "$WORK/pg.err" || { cat "$WORK/pg.err" >&2; return 1; }
    sleep 1
  done
  cat "$WORK/pg.err" >&2
  return 1
}
sql() { pg -d "$DB" -c "$1"; }

# require_pg_stat_statements: the extension on $PG_PORT, or a warning and failure
require_pg_stat_statements() {
  [[ $(pg -c "select count(*) from pg_extension where extname = 'pg_stat_statements'") == 1 ]] ||
    pg -c "create extension pg_stat_statements" >/dev/null ||
    { warn "pg_stat_statements is not available on port $PG_PORT (shared_preload_libraries)"; return 1; }
}

# load SCENARIO ARGS...: RegistryLoad's JSON line on stdout, its log on stderr
load() {
  local scenario=$1
  shift
  BENCH_AUTH="$AUTH" timeout -k 10 "$LOAD_TIMEOUT" \
    "$JAVA" -cp "$WORK/classes" RegistryLoad "$scenario" --url "$URL" "$@" 2> >(sed "s/^/   /" >&2) | tail -1
}

api() { # METHOD PATH [BODY]: prints the body, fails on a non-2xx status
  local args=(-sS --max-time 30 -u "$AUTH" -X "$1" "$URL$2")
  [[ $# -gt 2 ]] && args+=(-H 'Content-Type: application/json' -d "$3")
  curl --fail-with-body "${args[@]}"
}

# push_blob REPO FILE: uploads FILE (one monolithic PUT), prints its digest
push_blob() {
  local digest loc
  digest="sha256:$(sha256sum "$2" | cut -d' ' -f1)"
  loc=$(curl -sS -u "$AUTH" -X POST -D - -o /dev/null "$URL/v2/$1/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  [[ $loc == http* ]] || loc="$URL$loc"
  curl -sS -f -u "$AUTH" -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$2" \
    "$loc$([[ $loc == *\?* ]] && echo '&' || echo '?')digest=$digest" -o /dev/null
  echo "$digest"
}

# push_manifest REPO REF FILE: an OCI image manifest; prints its digest
push_manifest() {
  curl -sS -f -u "$AUTH" -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$3" "$URL/v2/$1/manifests/$2" -o /dev/null
  echo "sha256:$(sha256sum "$3" | cut -d' ' -f1)"
}

# push_layers REPO TAG LAYER...: an image of the given gzipped tar layers (and a config naming
# REPO:TAG, so every tag is a distinct artifact); prints its digest
push_layers() {
  local repo=$1 tag=$2 layers="" f d
  shift 2
  for f in "$@"; do
    d=$(push_blob "$repo" "$f")
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$d\",\"size\":$(stat -c %s "$f")}"
  done
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"x":"%s"}' "$repo:$tag" >"$WORK/config-$$"
  d=$(push_blob "$repo" "$WORK/config-$$")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[%s]}' \
    "$d" "$(stat -c %s "$WORK/config-$$")" "$layers" >"$WORK/manifest-$$"
  push_manifest "$repo" "$tag" "$WORK/manifest-$$"
}

# scan_status ARTIFACT_PATH: the scan_status of the artifact's first vulnerability report overview ("" if none)
scan_status() {
  api GET "$1?with_scan_overview=true" | jq -r '[.scan_overview // {} | .[] | .scan_status][0] // ""'
}

# osv_import ECOSYSTEM FOLDER: imports a folder of OSV records as that ecosystem's archive
osv_import() {
  python3 -c '
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for f in sorted(os.listdir(sys.argv[1])):
        z.write(os.path.join(sys.argv[1], f), f)' "$2" "$WORK/osv-$1.zip"
  curl -sS --fail-with-body --max-time 3600 -u "$AUTH" -X PUT -H 'Content-Type: application/zip' \
    --data-binary "@$WORK/osv-$1.zip" "$URL/api/v2.0/vulnerability-database/archives/$1" >/dev/null
}

# The scripts that start one Berth on a database of their own (signature-pull, prevent-vul-pull,
# builtin-scan, scan-all) share their options, work directory, clean-up and build:
#   bench_one_berth_args HELP_LINES ARGS...  --no-build, --keep and -h (which prints HELP_LINES of
#                                            the script, e.g. 2,12); sets BUILD and KEEP
#   bench_one_berth_workdir NAME             WORK, DATA and DB (berth_NAME_…), all removed on exit
#                                            unless --keep, Berth stopped
#   bench_one_berth_build                    the jar, unless --no-build and it exists
bench_one_berth_args() {
  local help=$1
  shift
  BUILD=true
  KEEP=false
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --no-build) BUILD=false; shift ;;
      --keep) KEEP=true; shift ;;
      -h|--help) sed -n "${help}p" "$0"; exit 0 ;;
      *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
  done
}

bench_one_berth_cleanup() {
  local status=$?
  stop_berth
  if ! $KEEP; then
    pg -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
  else
    echo "kept $WORK" >&2
  fi
  exit "$status"
}

bench_one_berth_workdir() {
  WORK=$(mktemp -d "/tmp/berth-$1.XXXXXX")
  DATA="$WORK/data"
  DB="berth_$1_$(date +%s)_$$"
  PID=""
  trap bench_one_berth_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_one_berth_build() {
  if $BUILD || [[ ! -f $BERTH_JAR ]]; then
    log "building the jar"
    (cd "$ROOT" && ./mvnw -B -q -o package -pl berth-server -DskipTests)
  fi
}
