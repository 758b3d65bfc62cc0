#!/usr/bin/env bash
# Work per pushed image, which does not depend on how loaded the machine is: CPU seconds of the
# Berth process, SQL statements and transactions (pg_stat_statements, pg_stat_database), WAL
# flushes (pg_stat_wal) and fsync/fdatasync calls (perf tracepoints, when perf can use them).
# Needs a PostgreSQL with pg_stat_statements preloaded (BENCH_PG_PORT), used by nothing else while
# it runs (WAL flushes and PostgreSQL's fsyncs are counted for the whole server). See bench/README.md.
# Usage: bench/push-work.sh [--images N] [--layers N] [--layer-size S] [--workers N] [--jfr] [--keep]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

IMAGES=200
LAYERS=3
LAYER_SIZE=1MiB
WORKERS=8
REPOS=20
JFR=false
KEEP=false
LOAD_TIMEOUT=1800
bench_berth_settings

while [[ $# -gt 0 ]]; do
  case "$1" in
    --images) IMAGES=$2; shift 2 ;;
    --layers) LAYERS=$2; shift 2 ;;
    --layer-size) LAYER_SIZE=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --jfr) JFR=true; shift ;;
    --keep) KEEP=true; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/berth-pushwork.XXXXXX)
DATA="$WORK/data"
PID=""
DB=""
PERF_PID=""

cleanup() {
  local status=$?
  [[ -z "$PERF_PID" ]] || kill -INT "$PERF_PID" 2>/dev/null || true
  stop_berth
  if [[ -n "$DB" ]]; then
    pg -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || warn "could not drop database $DB"
  fi
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


require_pg_stat_statements || exit 1

log "compiling the load generator"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH_DIR"/*.java
DB="berth_pushwork_$(date +%s)_$$"
pg -c "create database $DB" >/dev/null
log "starting Berth ($BERTH_JAR, database $DB on port $PG_PORT)"
start_berth || exit 1
api POST /api/v2.0/projects '{"project_name":"bench"}' >/dev/null
api POST /api/v2.0/projects '{"project_name":"warm"}' >/dev/null

log "warm-up (not measured)"
load push --images 40 --layers 1 --layer-size 256KiB --workers "$WORKERS" --repos 4 --repo-prefix warm/img --seed 3 >/dev/null

DBOID=$(pg -c "select oid from pg_database where datname = '$DB'")
pg -c "select pg_stat_statements_reset(0, $DBOID, 0)" >/dev/null # this database's only
pg -c "select pg_stat_reset_shared('wal')" >/dev/null
XACT0=$(pg -c "select xact_commit + xact_rollback from pg_stat_database where datname = '$DB'")
if $JFR; then
  "$JAVA_HOME/bin/jcmd" "$PID" JFR.start name=push settings=profile >/dev/null
fi
FSYNC=false
if command -v perf >/dev/null &&
  perf record -q -a -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -o "$WORK/perf.data" true 2>/dev/null; then
  perf record -q -a -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -o "$WORK/perf.data" 2>"$WORK/perf.err" &
  PERF_PID=$!
  FSYNC=true
  sleep 1
fi
CPU0=$(proc_cpu "$PID")

log "push: $IMAGES images x $LAYERS x $LAYER_SIZE, $WORKERS workers"
RESULT=$(load push --images "$IMAGES" --layers "$LAYERS" --layer-size "$LAYER_SIZE" --workers "$WORKERS" \
  --repos "$REPOS" --repo-prefix bench/img --seed 11)

CPU1=$(proc_cpu "$PID")
if $FSYNC; then
  kill -INT "$PERF_PID"
  wait "$PERF_PID" || true
  PERF_PID=""
fi
if $JFR; then
  "$JAVA_HOME/bin/jcmd" "$PID" JFR.dump name=push filename="$WORK/push.jfr" >/dev/null
  "$JAVA_HOME/bin/jcmd" "$PID" JFR.stop name=push >/dev/null
fi
XACT1=$(pg -c "select xact_commit + xact_rollback from pg_stat_database where datname = '$DB'")
# Top-level statements are what Berth sends (round trips; BEGIN travels with the first statement of a
# transaction and is not counted); nested ones run inside them (triggers, functions).
STATEMENTS=$(pg -c "select coalesce(sum(calls), 0) from pg_stat_statements where dbid = $DBOID and toplevel and query <> 'BEGIN'")
NESTED=$(pg -c "select coalesce(sum(calls), 0) from pg_stat_statements where dbid = $DBOID and not toplevel")
WAL=$(pg -c "select wal_sync || ' ' || wal_records from pg_stat_wal")
read -r WAL_SYNCS WAL_RECORDS <<<"$WAL"
BERTH_FSYNCS=null
PG_FSYNCS=null
if $FSYNC; then
  PG_PIDS=$(pg -c "select string_agg(pid::text, ' ') from pg_stat_activity")
  perf script -i "$WORK/perf.data" -F pid 2>/dev/null | awk -v berth="$PID" -v pgpids="$PG_PIDS" '
    BEGIN { n = split(pgpids, a, " "); for (i = 1; i <= n; i++) pg[a[i]] = 1 }
    $1 == berth { b++ } ($1 in pg) { p++ }
    END { print b + 0, p + 0 }' >"$WORK/fsyncs"
  read -r BERTH_FSYNCS PG_FSYNCS <"$WORK/fsyncs"
fi

per() { awk -v a="$1" -v n="$IMAGES" 'BEGIN { printf "%.3f", a / n }'; }
CPU_SECONDS=$(awk -v a="$CPU0" -v b="$CPU1" 'BEGIN { printf "%.2f", b - a }')
jq -n --argjson images "$IMAGES" --argjson layers "$LAYERS" --arg layerSize "$LAYER_SIZE" --argjson workers "$WORKERS" \
  --argjson push "$RESULT" --argjson cpuSeconds "$CPU_SECONDS" --argjson statements "$STATEMENTS" --argjson nestedStatements "$NESTED" \
  --argjson transactions "$((XACT1 - XACT0))" --argjson walSyncs "$WAL_SYNCS" --argjson walRecords "$WAL_RECORDS" \
  --argjson berthFsyncs "$BERTH_FSYNCS" --argjson postgresFsyncs "$PG_FSYNCS" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '$ARGS.named' >"$WORK/result.json"

log "statements per image, most frequent first"
pg -c "select round(calls::numeric / $IMAGES, 2) || ' | ' || regexp_replace(left(query, 110), '\s+', ' ', 'g')
       from pg_stat_statements where dbid = $DBOID and toplevel and query <> 'BEGIN' order by calls desc limit 40" | sed 's/^/   /' >&2
if $JFR; then
  log "JFR: hot methods, allocation by class (recording kept in $WORK/push.jfr with --keep)"
  "$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$WORK/push.jfr" | head -40 >&2 || true
  "$JAVA_HOME/bin/jfr" view --width 160 allocation-by-class "$WORK/push.jfr" | head -25 >&2 || true
fi

printf '\n| per pushed image (%d × %d × %s, %d workers) | |\n|---|---|\n' "$IMAGES" "$LAYERS" "$LAYER_SIZE" "$WORKERS"
printf '| Berth CPU seconds | %s |\n' "$(per "$CPU_SECONDS")"
printf '| SQL statements sent (round trips) | %s |\n' "$(per "$STATEMENTS")"
printf '| statements run by triggers and functions | %s |\n' "$(per "$NESTED")"
printf '| transactions | %s |\n' "$(per "$((XACT1 - XACT0))")"
printf '| WAL flushes (PostgreSQL) | %s |\n' "$(per "$WAL_SYNCS")"
[[ $BERTH_FSYNCS == null ]] || printf '| fsync/fdatasync by Berth | %s |\n| fsync/fdatasync by PostgreSQL | %s |\n' \
  "$(per "$BERTH_FSYNCS")" "$(per "$PG_FSYNCS")"
printf '| images/s (load average %s: not comparable across runs) | %s |\n' "$(cut -d' ' -f1 /proc/loadavg)" \
  "$(jq -r '.imagesPerSec' <<<"$RESULT")"
cat "$WORK/result.json"
