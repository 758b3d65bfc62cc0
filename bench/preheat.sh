#!/usr/bin/env bash
# P2P preheat benchmark (issue 20): what an event-based preheat policy costs a push, and whether
# every push is preheated exactly once. Each run is a fresh Berth and database with a Kraken
# stand-in (bench/kraken_standin.py) on 127.0.0.1 and an event_based policy over all of project
# bench; the same RegistryLoad push runs with the policy enabled and disabled, alternating which
# goes first, RUNS times each. With the policy on, the script then waits for the preheat
# executions to end and counts what the stand-in was told: each pushed tag once, no duplicates.
# Usage: bench/preheat.sh [--runs 3] [--images 100] [--workers 4] [--no-build] [--keep]
# Prints one JSON line per run and a summary; see bench/README.md ("preheat.sh").
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

RUNS=${PREHEAT_RUNS:-3}
IMAGES=${PREHEAT_IMAGES:-100}
LAYERS=${PREHEAT_LAYERS:-2}
LAYER_SIZE=${PREHEAT_LAYER_SIZE:-256KiB}
WORKERS=${PREHEAT_WORKERS:-4}
LOAD_TIMEOUT=1800
bench_berth_settings
BUILD=true
KEEP=false

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --images) IMAGES=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    *) echo "unknown option: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/berth-preheat-bench.XXXXXX)
DATA=""
PID=""
DB=""
KRAKEN_PID=""
RESULTS="$WORK/results.jsonl"
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt)

drop_db() {
  [[ -z "$DB" ]] || "${PSQL[@]}" -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || warn "could not drop $DB"
  DB=""
}
stop_kraken() {
  [[ -z "$KRAKEN_PID" ]] || kill "$KRAKEN_PID" 2>/dev/null || true
  KRAKEN_PID=""
}
cleanup() {
  local status=$?
  stop_berth
  stop_kraken
  drop_db
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

api() {
  curl -sS --fail-with-body --max-time 30 -u "$AUTH" -H 'Content-Type: application/json' "$@"
}

# fresh NAME ENABLED: a new database, Berth, Kraken stand-in, project bench and its policy
fresh() {
  local name=$1 enabled=$2 port
  stop_berth
  stop_kraken
  drop_db
  DB="berth_phbench_${name}_$(date +%s)_$$"
  DATA="$WORK/data-$name"
  rm -rf "$DATA"
  "${PSQL[@]}" -c "create database $DB" >/dev/null
  start_berth --berth.outbound.allowed-networks=127.0.0.1/32 || exit 1
  NOTES="$WORK/notifications-$name.txt"
  : >"$NOTES"
  python3 "$BENCH_DIR/kraken_standin.py" "$NOTES" >"$WORK/kraken-port" &
  KRAKEN_PID=$!
  for _ in $(seq 1 50); do [[ -s "$WORK/kraken-port" ]] && break; sleep 0.1; done
  port=$(cat "$WORK/kraken-port")
  api -d '{"project_name":"bench"}' "$URL/api/v2.0/projects" >/dev/null
  api -d "{\"name\":\"kraken\",\"vendor\":\"kraken\",\"endpoint\":\"http://127.0.0.1:$port\",\"auth_mode\":\"NONE\",\"enabled\":true}" \
    "$URL/api/v2.0/p2p/preheat/instances" >/dev/null
  local id
  id=$(api "$URL/api/v2.0/p2p/preheat/instances/kraken" | jq .id)
  api -d "{\"name\":\"on-push\",\"provider_id\":$id,\"enabled\":$enabled,
           \"filters\":\"[{\\\"type\\\":\\\"repository\\\",\\\"value\\\":\\\"**\\\"}]\",
           \"trigger\":\"{\\\"type\\\":\\\"event_based\\\"}\"}" \
    "$URL/api/v2.0/projects/bench/preheat/policies" >/dev/null
}

load() {
  BENCH_AUTH="$AUTH" timeout -k 10 "$LOAD_TIMEOUT" \
    "$JAVA" -cp "$WORK/classes" RegistryLoad "$@" --url "$URL" 2> >(sed "s/^/   /" >&2) | tail -1
}

# settled: waits (up to 10 min) until the preheat consumer has read every event and no preheat
# task is Pending or Running (tasks are made when the consumer reads a push's event)
settled() {
  local open
  for _ in $(seq 1 3000); do
    open=$("${PSQL[@]}" -d "$DB" -c "select (select count(*) from event e, event_consumer c
        where c.name = 'preheat' and (e.txid, e.id) > (c.last_txid, c.last_id))
      + (select count(*) from job_task where job_type = 'P2P_PREHEAT' and status in ('Pending','Running'))")
    [[ "$open" == 0 ]] && return 0
    sleep 0.2
  done
  return 1
}

if $BUILD || [[ ! -f "$BERTH_JAR" ]]; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
fi
log "compiling the load generator"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH_DIR"/*.java

for run in $(seq 1 "$RUNS"); do
  if (( run % 2 )); then modes="true false"; else modes="false true"; fi
  for on in $modes; do
    log "run $run: $IMAGES pushes with the preheat policy enabled=$on"
    fresh "r${run}$on" "$on"
    load push --images 20 --layers "$LAYERS" --layer-size "$LAYER_SIZE" --workers "$WORKERS" \
      --repo-prefix bench/warm --tag-prefix w --seed "$run" >/dev/null
    settled || warn "warm-up preheats did not settle"
    before=$(wc -l <"$NOTES")
    line=$(load push --images "$IMAGES" --layers "$LAYERS" --layer-size "$LAYER_SIZE" --workers "$WORKERS" \
      --repo-prefix bench/img --tag-prefix t --seed "$((run + 100))")
    settled || warn "preheats did not settle in 10 minutes"
    tail -n "+$((before + 1))" "$NOTES" | { grep '^bench/img' || true; } >"$WORK/measured.txt"
    told=$(wc -l <"$WORK/measured.txt")
    distinct=$(sort -u "$WORK/measured.txt" | wc -l)
    failed=$("${PSQL[@]}" -d "$DB" -c "select count(*) from job_task where job_type = 'P2P_PREHEAT' and status <> 'Success'")
    jq -c --arg on "$on" --argjson run "$run" --argjson told "$told" --argjson distinct "$distinct" --argjson failed "$failed" \
      '. + {policy_enabled: ($on == "true"), run: $run, notified: $told, notified_distinct: $distinct,
            duplicates: ($told - $distinct), preheat_tasks_not_success: $failed}' <<<"$line" | tee -a "$RESULTS"
  done
done
stop_berth
stop_kraken

log "summary"
jq -rs '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  (map(select(.policy_enabled)) | map(.p99Ms) | median) as $on99
  | (map(select(.policy_enabled | not)) | map(.p99Ms) | median) as $off99
  | (map(select(.policy_enabled)) | map(.p50Ms) | median) as $on50
  | (map(select(.policy_enabled | not)) | map(.p50Ms) | median) as $off50
  | "push p99 ms (median of runs): policy on \($on99), off \($off99); p50: on \($on50), off \($off50)",
    "per run with the policy on: pushed \(map(select(.policy_enabled)) | map(.images) | tostring), notified \(map(select(.policy_enabled)) | map(.notified) | tostring), duplicates \(map(select(.policy_enabled)) | map(.duplicates) | tostring), tasks not Success \(map(select(.policy_enabled)) | map(.preheat_tasks_not_success) | tostring)",
    "per run with the policy off: notified \(map(select(.policy_enabled | not)) | map(.notified) | tostring)"
' "$RESULTS"
