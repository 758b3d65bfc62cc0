#!/usr/bin/env bash
# Start-up benchmark (issue 22): time from `java` to the first answered request, the JVM's CPU
# seconds spent getting there and its RSS, for `java -jar berth.jar` as shipped and for the same
# jar extracted, without and with the JDK's AOT cache (JEP 483/514/515: classes loaded and linked,
# method profiles), in interleaved rounds on one warm data directory with the embedded PostgreSQL
# (Berth's default). The cache is made first by one training run (docs/operations.md, "Faster
# start-up"). Usage: bench/startup.sh [--runs 3] [--no-build] [--keep]
# Prints one JSON line per start and a summary; see bench/README.md ("startup.sh").
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

RUNS=${STARTUP_RUNS:-3}
BERTH_JAR=${BENCH_BERTH_JAR:-$ROOT/berth-server/target/berth.jar}
BERTH_PASSWORD=${BENCH_BERTH_PASSWORD:-Bench-Admin-2026}
IDLE_SECONDS=${STARTUP_IDLE_SECONDS:-20}
BUILD=true
KEEP=false

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    *) echo "unknown option: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/berth-startup.XXXXXX)
DATA="$WORK/data"
PID=""
cleanup() {
  stop_berth
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [[ ! -f $BERTH_JAR ]]; then
  $BUILD || { warn "$BERTH_JAR is missing (and --no-build)"; exit 1; }
  log "building $BERTH_JAR"
  (cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -B -q -DskipTests package)
fi

log "extracting the jar (java -Djarmode=tools extract)"
"$JAVA" -Djarmode=tools -jar "$BERTH_JAR" extract --destination "$WORK/app" >/dev/null
APP="$WORK/app/$(basename "$BERTH_JAR")"

# clock_ms: milliseconds since the epoch
clock_ms() { echo $(($(date +%s%N) / 1000000)); }
# jvm_cpu PID: user + system CPU seconds of the JVM so far (not its PostgreSQL children)
jvm_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# start MODE JAR JVM-FLAGS...: starts Berth, waits for the first answered request, prints a JSON line
start() {
  local mode=$1 jar=$2 port t0 ready cpu rss idle
  shift 2
  port=$(free_port)
  t0=$(clock_ms)
  # shellcheck disable=SC2086
  BERTH_ADMIN_PASSWORD="$BERTH_PASSWORD" BERTH_DATA_DIR="$DATA" \
    "$JAVA" "$@" -jar "$jar" --server.port="$port" --server.address=127.0.0.1 >"$WORK/berth-$mode.log" 2>&1 &
  PID=$!
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/v2/") == 401 ]]; do
    kill -0 "$PID" 2>/dev/null || { tail -30 "$WORK/berth-$mode.log" >&2; exit 1; }
    sleep 0.02
  done
  ready=$(($(clock_ms) - t0))
  cpu=$(jvm_cpu "$PID")
  rss=$(rss_mib "$PID")
  sleep "$IDLE_SECONDS"
  idle=$(rss_mib "$PID")
  stop_berth
  PID=""
  jq -nc --arg mode "$mode" --argjson ms "$ready" --argjson cpu "$cpu" --argjson rss "$rss" --argjson idle "$idle" \
    '{mode: $mode, readyMs: $ms, jvmCpuSeconds: $cpu, rssAtReadyMiB: $rss, idleRssMiB: $idle}'
}

log "first start: creates the data directory and the embedded database (not measured)"
start warmup "$BERTH_JAR" >/dev/null

log "training run: -XX:AOTCacheOutput with spring.context.exit=onRefresh"
t0=$(clock_ms)
BERTH_ADMIN_PASSWORD="$BERTH_PASSWORD" BERTH_DATA_DIR="$DATA" \
  "$JAVA" -XX:AOTCacheOutput="$WORK/berth.aot" -Dspring.context.exit=onRefresh -jar "$APP" \
  --server.port="$(free_port)" --server.address=127.0.0.1 >"$WORK/training.log" 2>&1
log "training took $(($(clock_ms) - t0)) ms; cache $(du -m "$WORK/berth.aot" | cut -f1) MiB"

RESULTS="$WORK/results.jsonl"
for run in $(seq 1 "$RUNS"); do
  log "round $run of $RUNS"
  # alternate which goes first, so that neither always meets a warmer page cache
  # the extracted jar without the cache too, to tell the layout's share from the cache's
  if ((run % 2)); then
    start jar "$BERTH_JAR" | tee -a "$RESULTS"
    start extracted "$APP" | tee -a "$RESULTS"
    start aot-cache "$APP" -XX:AOTCache="$WORK/berth.aot" | tee -a "$RESULTS"
  else
    start aot-cache "$APP" -XX:AOTCache="$WORK/berth.aot" | tee -a "$RESULTS"
    start extracted "$APP" | tee -a "$RESULTS"
    start jar "$BERTH_JAR" | tee -a "$RESULTS"
  fi
done

log "medians (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
jq -sc 'group_by(.mode)[] | {mode: .[0].mode,
    readyMs: (map(.readyMs) | sort | .[length / 2 | floor]),
    jvmCpuSeconds: (map(.jvmCpuSeconds) | sort | .[length / 2 | floor]),
    rssAtReadyMiB: (map(.rssAtReadyMiB) | sort | .[length / 2 | floor]),
    idleRssMiB: (map(.idleRssMiB) | sort | .[length / 2 | floor])}' "$RESULTS"
