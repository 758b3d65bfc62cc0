#!/usr/bin/env bash
# Replication throughput (issue 16), two sets each copied from Berth to Debian's docker-registry
# (CNCF distribution 2.8) twice, into empty registries started here: once by a Berth push
# replication (one execution, berth.jobs.workers copy tasks at a time) and once by `skopeo sync`
# (its own defaults) reading the same tags from Berth. Measures wall time, images/s and MiB/s of
# each, and Berth's resident memory during its run.
#   small: REPL_IMAGES images (3 × REPL_LAYER_SIZE layers each) over REPL_REPOS repositories;
#   big:   REPL_BIG_COUNT images of one REPL_BIG_SIZE layer (the issue's 4 × 256 MiB), then once more
#          by Berth with the policy's `speed` at REPL_SPEED KiB/s, to see the limit hold.
# See bench/README.md ("replication.sh").
# Usage: bench/replication.sh [--images N] [--repos N] [--layer-size SIZE] [--big-count N]
#        [--big-size SIZE] [--speed KIB] [--no-build] [--keep]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

IMAGES=${REPL_IMAGES:-500}
REPOS=${REPL_REPOS:-50}
LAYER_SIZE=${REPL_LAYER_SIZE:-1MiB}
BIG_COUNT=${REPL_BIG_COUNT:-4}
BIG_SIZE=${REPL_BIG_SIZE:-256MiB}
SPEED=${REPL_SPEED:-16384}
JOB_WORKERS=${REPL_JOB_WORKERS:-4}
RUN_TIMEOUT=${REPL_TIMEOUT:-3600}
LOAD_TIMEOUT=1800
BERTH_JAR=${BENCH_BERTH_JAR:-$ROOT/berth-server/target/berth.jar}
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:-}
BUILD=true
KEEP=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --images) IMAGES=$2; shift 2 ;;
    --repos) REPOS=$2; shift 2 ;;
    --layer-size) LAYER_SIZE=$2; shift 2 ;;
    --big-count) BIG_COUNT=$2; shift 2 ;;
    --big-size) BIG_SIZE=$2; shift 2 ;;
    --speed) SPEED=$2; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/berth-replbench-XXXXXX)
DATA="$WORK/data"
BERTH_PASSWORD="Bench-$(date +%s)-Pw1"
AUTH="admin:$BERTH_PASSWORD"
PID=""
REGS=()
PROJECT=bench
BIG_PROJECT=benchbig

cleanup() {
  stop_berth
  for p in "${REGS[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n "${DB:-}" ]] && pg -c "drop database if exists $DB" >/dev/null 2>&1 || true
  $KEEP || rm -rf "$WORK"
}
trap cleanup EXIT

# registry NAME: starts Debian's docker-registry on a free port with storage under $WORK/NAME; sets
# REG_PORT and appends its PID to REGS
registry() {
  local dir="$WORK/$1"
  REG_PORT=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/config.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: 127.0.0.1:$REG_PORT
YML
  /usr/bin/docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  REGS+=($!)
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$REG_PORT/v2/" && return 0
    sleep 0.1
  done
  warn "docker-registry $1 did not start"
  return 1
}

rss_mib() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$PID/status" 2>/dev/null || echo 0; }

if $BUILD || [[ ! -f "$BERTH_JAR" ]]; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package) >&2
fi
log "compiling the load generator"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH_DIR"/*.java

DB="berth_replbench_$(date +%s)_$$"
pg -c "create database $DB" >/dev/null
log "starting Berth (database $DB, $JOB_WORKERS job workers)"
start_berth --berth.jobs.workers="$JOB_WORKERS" --berth.outbound.allowed-networks=127.0.0.1/32 || exit 1
api POST /api/v2.0/projects "{\"project_name\":\"$PROJECT\"}" >/dev/null
api POST /api/v2.0/projects "{\"project_name\":\"$BIG_PROJECT\"}" >/dev/null

log "pushing $IMAGES images (3 x $LAYER_SIZE) into $REPOS repositories"
load push --images "$IMAGES" --layers 3 --layer-size "$LAYER_SIZE" --repos "$REPOS" --repo-prefix "$PROJECT/img" \
  --workers 8 >"$WORK/push.json"
log "pushing $BIG_COUNT images of one $BIG_SIZE layer"
load push --images "$BIG_COUNT" --layers 1 --layer-size "$BIG_SIZE" --repos "$BIG_COUNT" --repo-prefix "$BIG_PROJECT/big" \
  --workers 2 >"$WORK/push-big.json"

# berth_copy NAME PORT PROJECT SPEED: a push policy for PROJECT/** into the empty registry on PORT
# (speed KiB/s, 0 none), one execution timed; prints {seconds, status, succeeded, peak_rss_mib}
berth_copy() {
  local name=$1 port=$2 project=$3 speed=$4 reg_id policy exec peak=0 status=InProgress t0 t1 r
  reg_id=$(curl -sS -u "$AUTH" -o /dev/null -w '%header{location}' -H 'Content-Type: application/json' \
    -d "{\"name\":\"$name\",\"type\":\"docker-registry\",\"url\":\"http://127.0.0.1:$port\"}" \
    "$URL/api/v2.0/registries" | sed 's#.*/##')
  policy=$(curl -sS -u "$AUTH" -o /dev/null -w '%header{location}' -H 'Content-Type: application/json' \
    -d "{\"name\":\"$name\",\"dest_registry\":{\"id\":$reg_id},\"dest_namespace_replace_count\":0,\"filters\":[{\"type\":\"name\",\"value\":\"$project/**\"}],\"trigger\":{\"type\":\"manual\"},\"enabled\":true,\"override\":true,\"speed\":$speed}" \
    "$URL/api/v2.0/replication/policies" | sed 's#.*/##')
  log "Berth replication $name (policy $policy, speed $speed KiB/s)"
  t0=$(now)
  exec=$(curl -sS -u "$AUTH" -o /dev/null -w '%header{location}' -H 'Content-Type: application/json' \
    -d "{\"policy_id\":$policy}" "$URL/api/v2.0/replication/executions" | sed 's#.*/##')
  for _ in $(seq 1 $((RUN_TIMEOUT * 2))); do
    r=$(rss_mib); ((r > peak)) && peak=$r
    status=$(api GET "/api/v2.0/replication/executions/$exec" | jq -r .status)
    [[ $status != InProgress ]] && break
    sleep 0.5
  done
  t1=$(now)
  jq -n --argjson s "$(echo "$t1 - $t0" | bc -l)" --arg status "$status" --argjson peak "$peak" \
    --argjson succeeded "$(api GET "/api/v2.0/replication/executions/$exec" | jq .succeed)" \
    '{seconds: $s, status: $status, succeeded: $succeeded, peak_rss_mib: $peak}'
}

# skopeo_copy NAME PORT PROJECT: `skopeo sync --src yaml` of PROJECT's tags into the empty registry
# on PORT, timed; prints {seconds}
skopeo_copy() {
  local name=$1 port=$2 project=$3 t0 t1
  log "skopeo sync $name"
  {
    echo "127.0.0.1:${URL##*:}:"
    echo "  tls-verify: false"
    echo "  credentials: {username: admin, password: \"$BERTH_PASSWORD\"}"
    echo "  images:"
    for repo in $(curl -sS -u "$AUTH" "$URL/v2/_catalog?n=10000" | jq -r '.repositories[]' | grep "^$project/"); do
      echo "    $repo: [$(curl -sS -u "$AUTH" "$URL/v2/$repo/tags/list" | jq -r '.tags | join(", ")')]"
    done
  } >"$WORK/sync-$name.yaml"
  t0=$(now)
  skopeo --policy "$WORK/policy.json" sync --src yaml --dest docker --dest-tls-verify=false \
    "$WORK/sync-$name.yaml" "127.0.0.1:$port" >"$WORK/skopeo-$name.log" 2>&1 \
    || { tail -20 "$WORK/skopeo-$name.log" >&2; return 1; }
  t1=$(now)
  jq -n --argjson s "$(echo "$t1 - $t0" | bc -l)" '{seconds: $s}'
}
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$WORK/policy.json"

# compare LABEL IMAGES MIB BERTH_JSON SKOPEO_JSON: one set's figures
compare() {
  jq -n --arg set "$1" --argjson images "$2" --argjson mib "$3" --argjson b "$4" --argjson k "$5" '{
    set: $set, images: $images, mib: $mib,
    berth: ($b + {images_per_s: ($images / $b.seconds), mib_per_s: ($mib / $b.seconds)}),
    skopeo_sync: ($k + {images_per_s: ($images / $k.seconds), mib_per_s: ($mib / $k.seconds)}),
    berth_over_skopeo: ($k.seconds / $b.seconds)}'
}

MIB=$(jq '.bytes / 1048576' "$WORK/push.json")
BIG_MIB=$(jq '.bytes / 1048576' "$WORK/push-big.json")
# the registries start here, not inside $(...), so that cleanup knows their processes
declare -A PORTS
for name in berth-small skopeo-small berth-big skopeo-big berth-limited; do
  registry "$name" && PORTS[$name]=$REG_PORT
done
SMALL=$(compare small "$IMAGES" "$MIB" "$(berth_copy berth-small "${PORTS[berth-small]}" "$PROJECT" 0)" \
  "$(skopeo_copy skopeo-small "${PORTS[skopeo-small]}" "$PROJECT")")
echo "$SMALL" >&2
BIG=$(compare big "$BIG_COUNT" "$BIG_MIB" "$(berth_copy berth-big "${PORTS[berth-big]}" "$BIG_PROJECT" 0)" \
  "$(skopeo_copy skopeo-big "${PORTS[skopeo-big]}" "$BIG_PROJECT")")
echo "$BIG" >&2
LIMITED=$(berth_copy berth-limited "${PORTS[berth-limited]}" "$BIG_PROJECT" "$SPEED")
jq -n --argjson small "$SMALL" --argjson big "$BIG" --argjson limited "$LIMITED" --argjson speed "$SPEED" \
  --argjson mib "$BIG_MIB" --argjson workers "$JOB_WORKERS" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '{
    small: $small, big: $big,
    speed_limit: ($limited + {speed_kib_per_s: $speed, tasks_at_once: ([$workers, $big.images] | min),
      kib_per_s_per_task: ($mib * 1024 / $limited.seconds / ([$workers, $big.images] | min))}),
    load_average_at_end: $load}'
