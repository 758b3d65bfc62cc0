#!/usr/bin/env bash
# Berth garbage-collection benchmark (issue 5): GC of GC_BLOBS unreferenced blobs and GC_MANIFESTS
# untagged manifests while pushes continue. Measures the time to reclaim and the push latency
# (p50/p99) during GC against the same push without GC. See bench/README.md ("gc.sh").
# Usage: bench/gc.sh [--blobs N] [--manifests N] [--images N] [--no-build] [--keep]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

BLOBS=${GC_BLOBS:-100000}         # seeded unreferenced blobs
MANIFESTS=${GC_MANIFESTS:-10000}  # seeded untagged manifests
IMAGES=${GC_IMAGES:-200}          # images per push run (baseline and during GC)
LAYERS=${GC_LAYERS:-3}
LAYER_SIZE=${GC_LAYER_SIZE:-256KiB}
WORKERS=${GC_PUSH_WORKERS:-4}     # push workers
GC_WORKERS=${GC_WORKERS:-4}       # GC blob reviewers (1-10)
REPOS=10
REVIEW_DELAY=${GC_REVIEW_DELAY:-0s}
UPLOAD_GRACE=${GC_UPLOAD_GRACE:-10m} # 0s lets GC take a concurrent push's fresh blobs (MANIFEST_BLOB_UNKNOWN)
GC_TIMEOUT=${GC_TIMEOUT:-1800}    # seconds to wait for the GC run
MAX_ROUNDS=${GC_PUSH_ROUNDS:-50}  # push rounds during GC at most (back to back until GC ends); 0: GC alone
FULL_SWEEP=${GC_FULL_SWEEP:-false} # true: the run lists the whole store (as the first run after an upgrade does)
LOAD_TIMEOUT=900
bench_berth_settings
BUILD=true
KEEP=false

while [[ $# -gt 0 ]]; do
  case "$1" in
    --blobs) BLOBS=$2; shift 2 ;;
    --manifests) MANIFESTS=$2; shift 2 ;;
    --images) IMAGES=$2; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

WORK=$(mktemp -d /tmp/berth-gcbench.XXXXXX)
DATA="$WORK/data"
PID=""
DB=""

cleanup() {
  local status=$?
  stop_berth
  if [[ -n "$DB" ]]; then
    pg -c "drop database if exists $DB with (force)" >/dev/null 2>&1 ||
      warn "could not drop database $DB"
  fi
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# ---------------------------------------------------------------- build and start

if $BUILD || [[ ! -f "$BERTH_JAR" ]]; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
fi
log "compiling the load generator"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH_DIR"/*.java

DB="berth_gcbench_$(date +%s)_$$"
pg -c "create database $DB" >/dev/null
log "starting Berth (database $DB, review delay $REVIEW_DELAY, upload grace $UPLOAD_GRACE)"
start_berth --berth.gc.review-delay="$REVIEW_DELAY" --berth.gc.upload-grace="$UPLOAD_GRACE" || exit 1
echo "   on $URL" >&2
for project in seed gcb; do
  api POST /api/v2.0/projects "{\"project_name\":\"$project\"}" >/dev/null
done

# ---------------------------------------------------------------- seed garbage

log "seeding: one real image (the blobs the untagged manifests reference)"
load push --images 1 --repos 1 --layers 2 --layer-size 4KiB --workers 1 --repo-prefix seed/untagged --seed 7 >/dev/null
REPO_ID=$(sql "select id from repository where name = 'seed/untagged0'")
BASE_ID=$(sql "select manifest_id from tag where repository_id = $REPO_ID")
sql "select convert_from(content, 'UTF8') from manifest where id = $BASE_ID" >"$WORK/base.json"

log "seeding $BLOBS unreferenced blobs and $MANIFESTS untagged manifests"
T0=$(now)
python3 "$BENCH_DIR/gc_seed.py" blobs "$DATA" "$BLOBS" "$REPO_ID" "$WORK" >/dev/null
python3 "$BENCH_DIR/gc_seed.py" manifests "$WORK/base.json" "$MANIFESTS" "$WORK/manifest.copy" >/dev/null
T1=$(now)
cat >"$WORK/seed.sql" <<EOF
begin;
create table gcbench_seeded (digest text primary key);
\copy gcbench_seeded from '$WORK/digests.txt'
\copy blob (digest, size, created_at) from '$WORK/blob.copy'
\copy repository_blob (repository_id, digest, created_at) from '$WORK/link.copy'
\copy gc_blob_review (digest, review_after, reason) from '$WORK/review.copy'
create temp table staged (digest text, size integer, content bytea);
\copy staged from '$WORK/manifest.copy'
insert into manifest (repository_id, digest, media_type, artifact_type, config_media_type, config_digest, size, content, created_at)
  select b.repository_id, s.digest, b.media_type, b.artifact_type, b.config_media_type, b.config_digest, s.size, s.content,
         now() - interval '2 days'
  from staged s, manifest b where b.id = $BASE_ID;
insert into manifest_blob (manifest_id, digest)
  select m.id, mb.digest from manifest m, manifest_blob mb
  where m.repository_id = $REPO_ID and m.id <> $BASE_ID and mb.manifest_id = $BASE_ID;
insert into gc_manifest_review (manifest_id, review_after, reason)
  select id, '2000-01-01', 'gcbench' from manifest where repository_id = $REPO_ID and id <> $BASE_ID;
commit;
-- a steady-state run: the last full listing of the store was just now, so this run reviews only
-- what the queue names (GC_FULL_SWEEP=true makes it list the store as well)
update gc_sweep set last_full_at = now();
analyze;
EOF
pg -d "$DB" -f "$WORK/seed.sql"
T2=$(now)
SEED_FILES_SECONDS=$(elapsed "$T0" "$T1")
SEED_DB_SECONDS=$(elapsed "$T1" "$T2")
echo "   files and COPY data: ${SEED_FILES_SECONDS} s, database: ${SEED_DB_SECONDS} s" >&2
DUE_BLOBS=$(sql "select count(*) from gc_blob_review where review_after <= now()")
DUE_MANIFESTS=$(sql "select count(*) from gc_manifest_review where review_after <= now()")
echo "   due: $DUE_BLOBS blob reviews, $DUE_MANIFESTS manifest reviews" >&2

# ---------------------------------------------------------------- pushes without and with GC

PUSH_ARGS=(--images "$IMAGES" --layers "$LAYERS" --layer-size "$LAYER_SIZE" --workers "$WORKERS" --repos "$REPOS")
log "warm-up push (not measured)"
load push --images 40 --layers 1 --layer-size 64KiB --workers "$WORKERS" --repos 4 --repo-prefix gcb/warm --seed 3 >/dev/null

log "push without GC: $IMAGES images x $LAYERS x $LAYER_SIZE, $WORKERS workers"
BASELINE=$(load push "${PUSH_ARGS[@]}" --repo-prefix gcb/base --seed 11)
jq -e '.p99Ms' <<<"$BASELINE" >/dev/null || { warn "baseline push failed: $BASELINE"; exit 1; }

log "GC (delete_untagged, $GC_WORKERS workers) with the same push running"
# this database's statement counts only (counted below when the extension is there)
pg -c "select pg_stat_statements_reset(0, (select oid from pg_database where datname = '$DB'), 0)" >/dev/null 2>&1 || true
CPU0=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
G0=$(now)
LOCATION=$(curl -sS --max-time 30 -u "$AUTH" -o /dev/null -D - -H 'Content-Type: application/json' \
  -d "{\"schedule\":{\"type\":\"Manual\"},\"parameters\":{\"delete_untagged\":true,\"workers\":$GC_WORKERS,\"full_sweep\":$FULL_SWEEP}}" \
  "$URL/api/v2.0/system/gc/schedule" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
GC_ID=${LOCATION##*/}
[[ $GC_ID =~ ^[0-9]+$ ]] || { warn "GC was not started (Location: '$LOCATION')"; exit 1; }
# Push rounds back to back until GC ends (gcb/during1, gcb/during2, ...): round 1 is "during GC";
# the later ones show the latency in GC's later phases. Each round's JSON goes to during.jsonl.
: >"$WORK/during.jsonl"
(
  round=1
  while ((MAX_ROUNDS > 0)); do
    start=$(now)
    out=$(load push "${PUSH_ARGS[@]}" --repo-prefix "gcb/during$round" --seed $((100 + round))) || true
    [[ -n $out ]] || out='{"error":"no result"}'
    end=$(now)
    jq -c --argjson round "$round" --argjson start "$(elapsed "$G0" "$start")" --argjson finish "$(elapsed "$G0" "$end")" \
      --argjson gcRunning "$([[ -e $WORK/gc.done ]] && echo false || echo true)" \
      '. + {round: $round, startSeconds: $start, endSeconds: $finish, gcRunningAtEnd: $gcRunning}' <<<"$out" \
      >>"$WORK/during.jsonl" 2>"$WORK/jq.err" || echo "{\"round\":$round,\"error\":\"no result\"}" >>"$WORK/during.jsonl"
    [[ -e $WORK/gc.done ]] || ((round >= MAX_ROUNDS)) && break
    round=$((round + 1))
  done
) &
PUSH_PID=$!
STATUS=""
PUSH_DONE_AT=""
for _ in $(seq 1 $((GC_TIMEOUT * 5))); do
  GC_JSON=$(api GET "/api/v2.0/system/gc/$GC_ID")
  STATUS=$(jq -r .job_status <<<"$GC_JSON")
  if [[ -z "$PUSH_DONE_AT" ]] && ! kill -0 "$PUSH_PID" 2>/dev/null; then PUSH_DONE_AT=$(now); fi
  [[ $STATUS =~ ^(Success|Error|Stopped)$ ]] && break
  sleep 0.2
done
G1=$(now)
CPU1=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
touch "$WORK/gc.done"
# Berth's CPU seconds from the trigger to the end of GC (the push rounds running meanwhile included)
# and, with pg_stat_statements, the statements Berth sent meanwhile: figures that do not depend on
# how loaded the machine is, unlike blobs/s.
GC_CPU=$(awk -v a="$CPU0" -v b="$CPU1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')
GC_STATEMENTS=$(pg -c "select coalesce(sum(calls), 0) from pg_stat_statements s join pg_database d on d.oid = s.dbid
  where d.datname = '$DB' and toplevel and query <> 'BEGIN'" 2>/dev/null || echo null)
RECLAIM_SECONDS=$(elapsed "$G0" "$G1")
PUSH_STATUS=0
wait "$PUSH_PID" || PUSH_STATUS=$?
[[ -n "$PUSH_DONE_AT" ]] || PUSH_DONE_AT=$(now)
DURING=$(head -1 "$WORK/during.jsonl")
[[ -n $DURING ]] || DURING=null
ROUNDS=$(jq -sc . "$WORK/during.jsonl")
jq -e 'all(.[]; .error == null)' <<<"$ROUNDS" >/dev/null || PUSH_STATUS=1
PUSH_OVERLAP="push round 1 ended $(jq -r '.[0].endSeconds' <<<"$ROUNDS") s after GC start; $(jq length <<<"$ROUNDS") rounds in all"
echo "   GC $GC_ID: $STATUS in $RECLAIM_SECONDS s; $PUSH_OVERLAP" >&2
[[ $STATUS == Success ]] || warn "GC ended $STATUS"
[[ $PUSH_STATUS == 0 ]] || warn "a push during GC failed: $ROUNDS"
api GET "/api/v2.0/system/gc/$GC_ID/log" >"$WORK/gc.log" || true
PARAMS=$(jq -r .job_parameters <<<"$GC_JSON")
SERVER_SECONDS=$(jq -r '((.update_time | sub("\\.[0-9]+";"") | sub("Z$";"") | strptime("%Y-%m-%dT%H:%M:%S") | mktime)
  - (.creation_time | sub("\\.[0-9]+";"") | sub("Z$";"") | strptime("%Y-%m-%dT%H:%M:%S") | mktime))' <<<"$GC_JSON" 2>/dev/null || echo null)

# ---------------------------------------------------------------- checks

log "checking: seeded garbage gone, pushed images intact"
LEFT_ROWS=$(sql "select count(*) from blob b join gcbench_seeded s using (digest)")
LEFT_LINKS=$(sql "select count(*) from repository_blob r join gcbench_seeded s using (digest)")
LEFT_MANIFESTS=$(sql "select count(*) from manifest where repository_id = $REPO_ID and id <> $BASE_ID")
LEFT_FILES=$(python3 -c '
import os, sys
root = sys.argv[1] + "/blobs/sha256/"
n = 0
for d in open(sys.argv[2]):
    h = d.strip()[7:]
    n += os.path.exists(root + h[:2] + "/" + h)
print(n)' "$DATA" "$WORK/digests.txt")
QUEUED=$(sql "select (select count(*) from gc_blob_review) || ' blob, ' || (select count(*) from gc_manifest_review) || ' manifest'")
echo "   left: $LEFT_ROWS blob rows, $LEFT_LINKS links, $LEFT_FILES files, $LEFT_MANIFESTS manifests; queued: $QUEUED" >&2
CHECKS_OK=true
((LEFT_ROWS == 0 && LEFT_LINKS == 0 && LEFT_FILES == 0 && LEFT_MANIFESTS == 0)) || { warn "seeded garbage left"; CHECKS_OK=false; }
PULLS=()
for prefix in gcb/base $(jq -r '.[] | "gcb/during\(.round)"' <<<"$ROUNDS"); do
  PULL=$(load pull --images "$IMAGES" --workers "$WORKERS" --repos "$REPOS" --repo-prefix "$prefix") ||
    { warn "pull of $prefix failed: $PULL"; CHECKS_OK=false; }
  PULLS+=("$PULL")
done
load pull --images 1 --repos 1 --workers 1 --repo-prefix seed/untagged >/dev/null ||
  { warn "pull of the tagged base image failed"; CHECKS_OK=false; }

# ---------------------------------------------------------------- results

mkdir -p "$BENCH_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$BENCH_DIR/results/gc-$STAMP.json"
jq -n \
  --arg timestamp "$STAMP" --argjson cpus "$(nproc)" --arg kernel "$(uname -r)" \
  --arg cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" \
  --arg java "$("$JAVA" -version 2>&1 | head -1)" --arg postgres "$(pg -c 'show server_version')" \
  --argjson config "$(jq -n --argjson blobs "$BLOBS" --argjson manifests "$MANIFESTS" --argjson images "$IMAGES" \
    --argjson layers "$LAYERS" --arg layerSize "$LAYER_SIZE" --argjson pushWorkers "$WORKERS" \
    --argjson gcWorkers "$GC_WORKERS" --arg reviewDelay "$REVIEW_DELAY" --arg uploadGrace "$UPLOAD_GRACE" '$ARGS.named')" \
  --argjson seed "$(jq -n --argjson filesSeconds "$SEED_FILES_SECONDS" --argjson dbSeconds "$SEED_DB_SECONDS" \
    --argjson dueBlobs "$DUE_BLOBS" --argjson dueManifests "$DUE_MANIFESTS" '$ARGS.named')" \
  --argjson baseline "$BASELINE" --argjson during "${DURING:-null}" --argjson rounds "$ROUNDS" \
  --argjson gc "$(jq -n --argjson id "$GC_ID" --arg status "$STATUS" --argjson reclaimSeconds "$RECLAIM_SECONDS" \
    --argjson serverSeconds "${SERVER_SECONDS:-null}" --argjson results "$(jq -c . <<<"$PARAMS" 2>/dev/null || echo null)" \
    --arg pushOverlap "$PUSH_OVERLAP" --argjson berthCpuSeconds "$GC_CPU" --argjson statements "${GC_STATEMENTS:-null}" \
    '$ARGS.named')" \
  --argjson left "$(jq -n --argjson blobRows "$LEFT_ROWS" --argjson links "$LEFT_LINKS" --argjson files "$LEFT_FILES" \
    --argjson manifests "$LEFT_MANIFESTS" --arg queued "$QUEUED" '$ARGS.named')" \
  --argjson pulls "$(printf '%s\n' "${PULLS[@]}" | jq -sc '[.[] | select(type == "object")]' 2>/dev/null || echo '[]')" \
  --argjson checksOk "$CHECKS_OK" \
  '{timestamp: $timestamp, host: {cpus: $cpus, cpu: $cpu, kernel: $kernel, java: $java, postgres: $postgres},
    config: $config, seed: $seed, pushWithoutGc: $baseline, pushDuringGc: $during, pushRoundsDuringGc: $rounds, gc: $gc,
    leftAfterGc: $left, pulls: $pulls, checksOk: $checksOk}' >"$RESULTS"
jq -r '
  def f(x): if x == null then "–" else (x * 10 | round / 10 | tostring) end;
  "| GC of \(.config.blobs) blobs + \(.config.manifests) manifests (\(.config.gcWorkers) workers) | |",
  "|---|---|",
  "| time to reclaim (trigger → \(.gc.status)) | \(.gc.reclaimSeconds) s |",
  "| purged manifests / blobs | \(.gc.results.purged_manifests // "?") / \(.gc.results.purged_blobs // "?") |",
  "| freed space | \(.gc.results.freed_space // "?") bytes |",
  "| blobs/s | \(if .gc.results.purged_blobs then (.gc.results.purged_blobs / .gc.reclaimSeconds | round) else "?" end) |",
  "| Berth CPU seconds per 1,000 blobs (push rounds included) | \(if .gc.results.purged_blobs then (.gc.berthCpuSeconds * 1000 / .gc.results.purged_blobs * 100 | round / 100) else "?" end) |",
  "| statements sent per blob (push rounds included) | \(if .gc.results.purged_blobs and .gc.statements then (.gc.statements / .gc.results.purged_blobs * 100 | round / 100) else "?" end) |",
  "",
  "| push \(.config.images) × \(.config.layers) × \(.config.layerSize), \(.config.pushWorkers) workers | images/s | p50 ms | p99 ms |",
  "|---|---|---|---|",
  "| without GC | \(f(.pushWithoutGc.imagesPerSec)) | \(f(.pushWithoutGc.p50Ms)) | \(f(.pushWithoutGc.p99Ms)) |",
  "| during GC (round 1, from GC start) | \(f(.pushDuringGc.imagesPerSec)) | \(f(.pushDuringGc.p50Ms)) | \(f(.pushDuringGc.p99Ms)) |",
  (.pushRoundsDuringGc[1:][] | "| during GC, round \(.round) (\(.startSeconds)–\(.endSeconds) s\(if .gcRunningAtEnd then "" else ", GC ended first" end)) | \(f(.imagesPerSec)) | \(f(.p50Ms)) | \(f(.p99Ms)) |"),
  "",
  "\(.gc.pushOverlap); left after GC: \(.leftAfterGc.blobRows) rows, \(.leftAfterGc.files) files, \(.leftAfterGc.manifests) manifests; checks \(if .checksOk then "passed" else "FAILED" end)"
' "$RESULTS" | tee "${RESULTS%.json}.md"
echo "results: $RESULTS" >&2
$CHECKS_OK && [[ $STATUS == Success && $PUSH_STATUS == 0 ]]
