#!/usr/bin/env bash
# Event stream and webhook benchmark (issue 13). Two parts, each against a fresh Berth and database:
#   1. What writing events costs a push: the same push load with the stream on and with it off
#      (--berth.events.enabled=false), alternating on/off, RUNS times each; medians compared.
#   2. Delivery: EventsLoad.java pushes EVENTS artifacts into a project whose webhook policy sends
#      PUSH_ARTIFACT to a receiver on 127.0.0.1, and measures push-to-receipt latency and events/s;
#      then the same with the receiver down for DOWN seconds in the middle (nothing may be lost).
# Usage: bench/events.sh [--runs 3] [--images 400] [--events 10000] [--rate 50] [--warmup 1000] [--down 60] [--no-push]
#                        [--no-delivery] [--no-build] [--keep]
# Prints a summary and the JSON lines; see bench/README.md ("events.sh").
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

RUNS=${EVENTS_RUNS:-3}
IMAGES=${EVENTS_IMAGES:-400}
LAYERS=${EVENTS_LAYERS:-3}
LAYER_SIZE=${EVENTS_LAYER_SIZE:-256KiB}
WORKERS=${EVENTS_WORKERS:-8}
EVENTS=${EVENTS_COUNT:-10000}
RATE=${EVENTS_RATE:-50}
WARMUP=${EVENTS_WARMUP:-1000}
DOWN=${EVENTS_DOWN_SECONDS:-60}
LOAD_TIMEOUT=1800
bench_berth_settings
BUILD=true
KEEP=false
PUSH=true
DELIVERY=true

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --images) IMAGES=$2; shift 2 ;;
    --events) EVENTS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --down) DOWN=$2; shift 2 ;;
    --no-push) PUSH=false; shift ;;
    --no-delivery) DELIVERY=false; shift ;;
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    *) echo "unknown option: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/berth-events-bench.XXXXXX)
DATA=""
PID=""
DB=""
RESULTS="$WORK/results.jsonl"
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt)

drop_db() {
  [[ -z "$DB" ]] || "${PSQL[@]}" -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || warn "could not drop $DB"
  DB=""
}
cleanup() {
  local status=$?
  stop_berth
  drop_db
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# fresh NAME ARGS...: a new database and data directory, Berth started on them with ARGS, project bench
fresh() {
  local name=$1
  shift
  stop_berth
  drop_db
  DB="berth_evbench_${name}_$(date +%s)_$$"
  DATA="$WORK/data-$name"
  rm -rf "$DATA"
  "${PSQL[@]}" -c "create database $DB" >/dev/null
  start_berth "$@" || exit 1
  curl -sS --fail-with-body --max-time 30 -u "$AUTH" -H 'Content-Type: application/json' \
    -d '{"project_name":"bench"}' "$URL/api/v2.0/projects" >/dev/null
}

# cpu_ticks PID: user + system CPU of a process so far, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

load() {
  BENCH_AUTH="$AUTH" timeout -k 10 "$LOAD_TIMEOUT" \
    "$JAVA" -cp "$WORK/classes" RegistryLoad "$@" --url "$URL" 2> >(sed "s/^/   /" >&2) | tail -1
}

if $BUILD || [[ ! -f "$BERTH_JAR" ]]; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
fi
log "compiling the load generators"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH_DIR"/*.java

# ---------------------------------------------------------------- 1. push with the stream on and off

if $PUSH; then
  for run in $(seq 1 "$RUNS"); do
    if (( run % 2 )); then modes="true false"; else modes="false true"; fi
    for on in $modes; do
      log "run $run: push with events enabled=$on"
      fresh "push$on" --berth.events.enabled="$on"
      load push --images 40 --layers "$LAYERS" --layer-size "$LAYER_SIZE" --workers "$WORKERS" \
        --repo-prefix bench/warm --tag-prefix w --seed "$run" >/dev/null
      cpu0=$(cpu_ticks "$PID")
      line=$(load push --images "$IMAGES" --layers "$LAYERS" --layer-size "$LAYER_SIZE" --workers "$WORKERS" \
        --repo-prefix bench/img --tag-prefix t --seed "$((run + 100))")
      cpu1=$(cpu_ticks "$PID")
      events=$("${PSQL[@]}" -d "$DB" -c "select count(*) from event")
      # Berth's own CPU per pushed image (user + system), steadier than throughput on a shared machine
      jq -c --arg on "$on" --argjson run "$run" --argjson events "$events" \
        --argjson cpuMs "$(( (cpu1 - cpu0) * 1000 / $(getconf CLK_TCK) ))" \
        '. + {part: "push", events_enabled: ($on == "true"), run: $run, event_rows: $events,
              serverCpuMsPerImage: ($cpuMs / .images)}' <<<"$line" | tee -a "$RESULTS"
    done
  done
fi

# ---------------------------------------------------------------- 2. delivery

if $DELIVERY; then
  for down in 0 "$DOWN"; do
    log "delivery of $EVENTS events at $RATE/s after $WARMUP unmeasured, receiver down for $down s"
    fresh "delivery$down" --berth.outbound.allowed-networks=127.0.0.1/32
    timeout -k 10 "$LOAD_TIMEOUT" "$JAVA" -cp "$WORK/classes" EventsLoad --url "$URL" --auth "$AUTH" \
      --events "$EVENTS" --workers "$WORKERS" --rate "$RATE" --warmup "$WARMUP" --down-seconds "$down" --timeout 1500 2> >(sed "s/^/   /" >&2) |
      tail -1 | jq -c '. + {part: "delivery"}' | tee -a "$RESULTS" || warn "delivery run (down $down s) reported a failure"
  done
fi
stop_berth

# ---------------------------------------------------------------- summary

log "summary"
if $PUSH; then
  jq -rs '
    def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
      else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    [.[] | select(.part == "push")] as $p
    | ($p | map(select(.events_enabled)) | map(.imagesPerSec) | median) as $on
    | ($p | map(select(.events_enabled | not)) | map(.imagesPerSec) | median) as $off
    | ($p | map(select(.events_enabled)) | map(.serverCpuMsPerImage) | median) as $oncpu
    | ($p | map(select(.events_enabled | not)) | map(.serverCpuMsPerImage) | median) as $offcpu
    | ($p | map(select(.events_enabled)) | map(.p99Ms) | median) as $on99
    | ($p | map(select(.events_enabled | not)) | map(.p99Ms) | median) as $off99
    | "push images/s: events on \($on * 10 | round / 10), off \($off * 10 | round / 10), on/off \($on / $off * 1000 | round / 1000)",
      "server CPU ms per image: events on \($oncpu * 100 | round / 100), off \($offcpu * 100 | round / 100)",
      "push p99 ms:   events on \($on99 * 10 | round / 10), off \($off99 * 10 | round / 10)",
      "event rows per run (on): \($p | map(select(.events_enabled)) | map(.event_rows) | tostring), (off): \($p | map(select(.events_enabled | not)) | map(.event_rows) | tostring)"
  ' "$RESULTS"
fi
if $DELIVERY; then
  jq -r 'select(.part == "delivery") | "\(.scenario): \(.delivered)/\(.events) delivered, lost \(.lost), duplicates \(.duplicates), p50 \(.from_201_p50_ms) ms, p99 \(.from_201_p99_ms) ms (from PUT sent: p99 \(.from_put_p99_ms) ms), \(.delivered_per_s) events/s\(if .down_seconds then ", drained \(.drained_after_up_s) s after the receiver came back" else "" end)\(if .down_seconds then ", backlog \(.backlog_at_up) drained at \(.drain_per_s) events/s" else "" end)"' "$RESULTS"
fi
