#!/usr/bin/env bash
# Work per registry request, which does not depend on how loaded the machine is: Berth's CPU
# milliseconds and the SQL statements it sends per manifest HEAD, manifest GET, tags/list and
# pushed image (admin's Basic credentials on every request, as bench/run.sh sends them).
# Needs a PostgreSQL with pg_stat_statements preloaded (BENCH_PG_PORT). See bench/README.md.
# Usage: bench/request-work.sh [--requests N] [--images N] [--jfr SCENARIO] [--keep]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

REQUESTS=20000
IMAGES=40
JFR=""
KEEP=false
LOAD_TIMEOUT=1800
bench_berth_settings

while [[ $# -gt 0 ]]; do
  case "$1" in
    --requests) REQUESTS=$2; shift 2 ;;
    --images) IMAGES=$2; shift 2 ;;
    --jfr) JFR=$2; shift 2 ;;
    --keep) KEEP=true; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/berth-requestwork.XXXXXX)
DATA="$WORK/data"
PID=""
DB=""
cleanup() {
  local status=$?
  stop_berth
  if [[ -n "$DB" ]]; then
    pg -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || warn "could not drop database $DB"
  fi
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_pg_stat_statements
log "compiling the load generator"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH_DIR"/*.java
DB="berth_requestwork_$(date +%s)_$$"
pg -c "create database $DB" >/dev/null
log "starting Berth ($BERTH_JAR, database $DB on port $PG_PORT)"
start_berth || exit 1
api POST /api/v2.0/projects '{"project_name":"bench"}' >/dev/null
DBOID=$(pg -c "select oid from pg_database where datname = '$DB'")
BASIC="Authorization: Basic $(printf '%s' "$AUTH" | base64 -w0)"
OCI="Accept: application/vnd.oci.image.manifest.v1+json"
MANIFEST="$URL/v2/bench/img0/manifests/t0"

# The images read below, then a warm-up of every measured path (JIT, caches): not measured.
log "seeding $IMAGES images, warming up"
load push --images "$IMAGES" --layers 1 --layer-size 64KiB --workers 4 --repos 20 --repo-prefix bench/img --seed 5 >/dev/null
ab -q -k -i -c 8 -n "$REQUESTS" -H "$BASIC" -H "$OCI" "$MANIFEST" >/dev/null
ab -q -k -c 8 -n "$REQUESTS" -H "$BASIC" -H "$OCI" "$MANIFEST" >/dev/null
ab -q -k -c 8 -n "$REQUESTS" -H "$BASIC" "$URL/v2/bench/img0/tags/list" >/dev/null
sleep 2 # pull records are written in batches: let the warm-up's land before counting

ROWS=()
# measure NAME OPERATIONS COMMAND...: Berth CPU ms and statements per operation while COMMAND runs
measure() {
  local name=$1 ops=$2 cpu0 cpu1 statements
  shift 2
  [[ "$JFR" != "$name" ]] || "$JAVA_HOME/bin/jcmd" "$PID" JFR.start name=w settings=profile >/dev/null
  pg -c "select pg_stat_statements_reset(0, $DBOID, 0)" >/dev/null
  cpu0=$(proc_cpu "$PID")
  "$@" >"$WORK/$name.out"
  sleep 2 # batched pull records and background loops woken by the operations
  cpu1=$(proc_cpu "$PID")
  statements=$(pg -c "select coalesce(sum(calls), 0) from pg_stat_statements where dbid = $DBOID and toplevel and query <> 'BEGIN'")
  log "$name: statements per operation, most frequent first"
  pg -c "select round(calls::numeric / $ops, 3) || ' | ' || regexp_replace(left(query, 120), '\s+', ' ', 'g')
         from pg_stat_statements where dbid = $DBOID and toplevel and query <> 'BEGIN' order by calls desc limit 15" |
    sed 's/^/   /' >&2
  if [[ "$JFR" == "$name" ]]; then
    "$JAVA_HOME/bin/jcmd" "$PID" JFR.dump name=w filename="$WORK/$name.jfr" >/dev/null
    "$JAVA_HOME/bin/jcmd" "$PID" JFR.stop name=w >/dev/null
    "$JAVA_HOME/bin/jfr" view --width 200 hot-methods "$WORK/$name.jfr" | head -45 >&2 || true
  fi
  ROWS+=("$(awk -v n="$name" -v ops="$ops" -v c0="$cpu0" -v c1="$cpu1" -v s="$statements" \
    'BEGIN { printf "| %s | %d | %.3f | %.3f |", n, ops, (c1 - c0) * 1000 / ops, s / ops }')")
}
ab_ok() { # ab ARGS...: fails unless every request was answered 2xx
  ab "$@" >"$WORK/ab.txt" 2>&1 || { cat "$WORK/ab.txt" >&2; return 1; }
  grep -E "^(Keep-Alive requests|Complete requests)" "$WORK/ab.txt" | sed "s/^/   /" >&2
  ! grep -qE '^(Non-2xx responses|Failed requests: +[1-9])' "$WORK/ab.txt" || { cat "$WORK/ab.txt" >&2; return 1; }
}

measure manifest-head "$REQUESTS" ab_ok -q -k -i -c 8 -n "$REQUESTS" -H "$BASIC" -H "$OCI" "$MANIFEST"
measure manifest-get "$REQUESTS" ab_ok -q -k -c 8 -n "$REQUESTS" -H "$BASIC" -H "$OCI" "$MANIFEST"
measure tags-list "$REQUESTS" ab_ok -q -k -c 8 -n "$REQUESTS" -H "$BASIC" "$URL/v2/bench/img0/tags/list"
measure push-image "$IMAGES" load push --images "$IMAGES" --layers 3 --layer-size 256KiB --workers 4 --repos 20 \
  --repo-prefix bench/push --seed 9

printf '\n| per operation (%s, load average %s) | operations | Berth CPU ms | SQL statements |\n|---|---:|---:|---:|\n' \
  "$(basename "$BERTH_JAR")" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${ROWS[@]}"
