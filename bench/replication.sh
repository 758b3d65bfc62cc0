#!/usr/bin/env bash
# Replication throughput (issue 16): REPL_IMAGES images (3 × REPL_LAYER_SIZE layers each, over
# REPL_REPOS repositories of one project) pushed into Berth, then copied to Debian's docker-registry
# (CNCF distribution 2.8) twice, to two empty registries started here: once by a Berth push
# replication (one execution, berth.jobs.workers copy tasks at a time) and once by `skopeo sync`
# (its own defaults) reading from Berth. Measures wall time, images/s and MiB/s of each, and Berth's
# resident memory during its run. See bench/README.md ("replication.sh").
# Usage: bench/replication.sh [--images N] [--repos N] [--layer-size SIZE] [--no-build] [--keep]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
JAVA="$JAVA_HOME/bin/java"

IMAGES=${REPL_IMAGES:-500}
REPOS=${REPL_REPOS:-50}
LAYER_SIZE=${REPL_LAYER_SIZE:-1MiB}
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
registry to-berth && BERTH_DEST=$REG_PORT
registry to-skopeo && SKOPEO_DEST=$REG_PORT

log "pushing $IMAGES images (3 x $LAYER_SIZE) into $REPOS repositories"
load push --images "$IMAGES" --layers 3 --layer-size "$LAYER_SIZE" --repos "$REPOS" --repo-prefix "$PROJECT/img" \
  --workers 8 >"$WORK/push.json"
MIB=$(jq '.bytes / 1048576' "$WORK/push.json")

# ---------------------------------------------------------------- Berth

REG_ID=$(curl -sS -u "$AUTH" -o /dev/null -w '%header{location}' -H 'Content-Type: application/json' \
  -d "{\"name\":\"dest\",\"type\":\"docker-registry\",\"url\":\"http://127.0.0.1:$BERTH_DEST\"}" \
  "$URL/api/v2.0/registries" | sed 's#.*/##')
POLICY=$(curl -sS -u "$AUTH" -o /dev/null -w '%header{location}' -H 'Content-Type: application/json' \
  -d "{\"name\":\"bench\",\"dest_registry\":{\"id\":$REG_ID},\"dest_namespace_replace_count\":0,\"filters\":[{\"type\":\"name\",\"value\":\"$PROJECT/**\"}],\"trigger\":{\"type\":\"manual\"},\"enabled\":true,\"override\":true}" \
  "$URL/api/v2.0/replication/policies" | sed 's#.*/##')
log "Berth replication (policy $POLICY)"
T0=$(now)
EXEC=$(curl -sS -u "$AUTH" -o /dev/null -w '%header{location}' -H 'Content-Type: application/json' \
  -d "{\"policy_id\":$POLICY}" "$URL/api/v2.0/replication/executions" | sed 's#.*/##')
PEAK=0
STATUS=InProgress
for _ in $(seq 1 $((RUN_TIMEOUT * 2))); do
  r=$(rss_mib); ((r > PEAK)) && PEAK=$r
  STATUS=$(api GET "/api/v2.0/replication/executions/$EXEC" | jq -r .status)
  [[ $STATUS != InProgress ]] && break
  sleep 0.5
done
T1=$(now)
BERTH_S=$(echo "$T1 - $T0" | bc -l)
SUCCEEDED=$(api GET "/api/v2.0/replication/executions/$EXEC" | jq .succeed)

# ---------------------------------------------------------------- skopeo sync

log "skopeo sync"
{
  echo "127.0.0.1:${URL##*:}:"
  echo "  tls-verify: false"
  echo "  credentials: {username: admin, password: \"$BERTH_PASSWORD\"}"
  echo "  images:"
  for repo in $(curl -sS -u "$AUTH" "$URL/v2/_catalog?n=10000" | jq -r '.repositories[]'); do
    echo "    $repo: [$(curl -sS -u "$AUTH" "$URL/v2/$repo/tags/list" | jq -r '.tags | join(", ")')]"
  done
} >"$WORK/sync.yaml"
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$WORK/policy.json"
T0=$(now)
skopeo --policy "$WORK/policy.json" sync --src yaml --dest docker --dest-tls-verify=false \
  "$WORK/sync.yaml" "127.0.0.1:$SKOPEO_DEST" >"$WORK/skopeo.log" 2>&1 || { tail -20 "$WORK/skopeo.log" >&2; exit 1; }
T1=$(now)
SKOPEO_S=$(echo "$T1 - $T0" | bc -l)

jq -n --argjson images "$IMAGES" --argjson mib "$MIB" --arg status "$STATUS" --argjson succeeded "$SUCCEEDED" \
  --argjson berth "$BERTH_S" --argjson skopeo "$SKOPEO_S" --argjson peak "$PEAK" '{
    images: $images, mib: $mib,
    berth: {status: $status, succeeded: $succeeded, seconds: $berth, images_per_s: ($images / $berth), mib_per_s: ($mib / $berth), peak_rss_mib: $peak},
    skopeo_sync: {seconds: $skopeo, images_per_s: ($images / $skopeo), mib_per_s: ($mib / $skopeo)},
    berth_over_skopeo: ($skopeo / $berth)}'
