#!/usr/bin/env bash
# Tag retention at scale (issue 18): RET_ARTIFACTS artifacts (100,000) in RET_REPOS repositories
# (1,000) of one project, seeded straight into PostgreSQL, 100 per repository with one tag each; a
# policy keeping the 10 most recently pushed of each repository (10 %). Measures the dry run and
# the real run (wall time, and each run's start to end as Berth records it), and push p50/p99
# without a run and while the real run deletes. See bench/README.md ("retention.sh").
# Usage: bench/retention.sh [--artifacts N] [--repos N] [--images N] [--no-build] [--keep] [--database NAME]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

ARTIFACTS=${RET_ARTIFACTS:-100000}
REPOS=${RET_REPOS:-1000}
KEEP_PER_REPO=${RET_KEEP:-10}         # latestPushedK: with ARTIFACTS/REPOS per repository, 10 of 100 is 10 %
IMAGES=${RET_IMAGES:-100}             # images per push run (baseline and during the run)
LAYERS=${RET_LAYERS:-3}
LAYER_SIZE=${RET_LAYER_SIZE:-256KiB}
WORKERS=${RET_PUSH_WORKERS:-4}
JOB_WORKERS=${RET_JOB_WORKERS:-4}     # berth.jobs.workers: repository tasks run in parallel
RUN_TIMEOUT=${RET_TIMEOUT:-3600}      # seconds to wait for a run; then it is stopped and measured as far as it got
REAL_TIMEOUT=${RET_REAL_TIMEOUT:-$RUN_TIMEOUT} # the same, for the real run alone
MAX_ROUNDS=${RET_PUSH_ROUNDS:-50}     # push rounds during the real run at most
LOAD_TIMEOUT=900
bench_berth_settings
PROJECT=rb       # the retained project
PUSHED=rbpush    # where the measured pushes go (the policy does not cover it)
BUILD=true
KEEP=false
REUSE=""         # --database: a database an earlier --keep run left, seeded already

while [[ $# -gt 0 ]]; do
  case "$1" in
    --artifacts) ARTIFACTS=$2; shift 2 ;;
    --repos) REPOS=$2; shift 2 ;;
    --images) IMAGES=$2; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    --database) REUSE=$2; KEEP=true; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
((REPOS >= 1 && ARTIFACTS >= REPOS)) || { echo "need at least one artifact per repository" >&2; exit 2; }

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

WORK=$(mktemp -d /tmp/berth-retbench.XXXXXX)
DATA="$WORK/data"
PID=""
DB=""

cleanup() {
  local status=$?
  stop_berth
  if [[ -n "$DB" ]] && ! $KEEP; then
    pg -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || warn "could not drop database $DB"
  elif [[ -n "$DB" ]]; then
    echo "kept database $DB" >&2
  fi
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# created METHOD PATH BODY: the id at the end of the 201's Location
created() {
  local location
  location=$(curl -sS --max-time 60 -u "$AUTH" -o /dev/null -D - -X "$1" -H 'Content-Type: application/json' \
    -d "$3" "$URL$2" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  [[ ${location##*/} =~ ^[0-9]+$ ]] || { warn "$1 $2 gave no Location ('$location')"; return 1; }
  echo "${location##*/}"
}

# await_run POLICY EXECUTION TIMEOUT: polls until the execution ends; prints its JSON. Past TIMEOUT
# seconds it stops the run (what is deleted stays deleted) and waits for it to end Stopped.
await_run() { # DRY TIMEOUT
  local json status stopped=false deadline=$((SECONDS + $3))
  while ((SECONDS < deadline + 600)); do
    json=$(api GET "/api/v2.0/retentions/$1/executions?page_size=100" | jq -c --argjson id "$2" '.[] | select(.id == $id)')
    status=$(jq -r '.status // ""' <<<"$json")
    [[ $status =~ ^(Success|Error|Stopped)$ ]] && { echo "$json"; return 0; }
    if ! $stopped && ((SECONDS > deadline)); then
      warn "execution $2 still running after $3 s: stopping it"
      api PATCH "/api/v2.0/retentions/$1/executions/$2" '{"action":"stop"}' >/dev/null
      stopped=true
    fi
    sleep 0.2
  done
  warn "execution $2 did not end"
  return 1
}

iso_seconds() { # ISO-8601 with fractions → epoch seconds with fractions
  python3 -c 'import sys, datetime; print(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp())' "$1"
}

# ---------------------------------------------------------------- build and start

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$LOAD_BEFORE" 'BEGIN { exit !(l > 0.5) }' &&
  warn "load average is $LOAD_BEFORE before starting: other work on this machine will make the figures noisy"
if $BUILD || [[ ! -f "$BERTH_JAR" ]]; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
fi
log "compiling the load generator"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH_DIR"/*.java

if [[ -n $REUSE ]]; then
  DB=$REUSE
else
  DB="berth_retbench_$(date +%s)_$$"
  pg -c "create database $DB" >/dev/null
fi
log "starting Berth (database $DB, $JOB_WORKERS job workers)"
start_berth --berth.jobs.workers="$JOB_WORKERS" || exit 1
echo "   on $URL" >&2
if [[ -z $REUSE ]]; then
  for project in "$PROJECT" "$PUSHED"; do
    api POST /api/v2.0/projects "{\"project_name\":\"$project\"}" >/dev/null
  done
fi
PROJECT_ID=$(sql "select id from project where name = '$PROJECT'")
RUN_TAG=$(date +%s) # pushes of a rerun on a reused database go to repositories of their own

# cpu_seconds: CPU time (user + system) so far of Berth and of the PostgreSQL backends serving its
# database, as "berth postgres": what a run costs whatever else the machine is doing (a backend
# that exits between two readings takes its time with it; Berth's pool keeps its connections).
TICKS=$(getconf CLK_TCK)
cpu_of() { awk -v t="$TICKS" '{ s += $14 + $15 } END { printf "%.2f", s / t }' "$@" 2>/dev/null || echo 0; }
cpu_seconds() {
  local pids files=()
  pids=$(sql "select pid from pg_stat_activity where datname = '$DB' and pid <> pg_backend_pid()")
  for p in $pids; do [[ -r /proc/$p/stat ]] && files+=("/proc/$p/stat"); done
  echo "$(cpu_of "/proc/$PID/stat") $( ((${#files[@]})) && cpu_of "${files[@]}" || echo 0)"
}
cpu_used() { # BEFORE AFTER: {"berth":…,"postgres":…} CPU seconds between two cpu_seconds readings
  jq -nc --argjson b0 "${1% *}" --argjson p0 "${1#* }" --argjson b1 "${2% *}" --argjson p1 "${2#* }" \
    '{berth: ((($b1 - $b0) * 100 | round) / 100), postgres: ((($p1 - $p0) * 100 | round) / 100)}'
}

# ---------------------------------------------------------------- seed

# ARTIFACTS image manifests, ARTIFACTS / REPOS per repository, each with a config and a layer of its
# own and one layer shared by all (rows only: neither retention nor deletion reads blob bytes; the
# config media type is not an image config's, so no start-up backfill looks for the bytes either),
# one tag each, pushed 5 minutes apart, the newest now. Berth keeps artifact counts with per-row
# triggers (V13); the load switches them off and rebuilds the listing once, as bench/lists.sh does.
if [[ -n $REUSE ]]; then
  SEED_SECONDS=0
  SEEDED=$(sql "select count(*) from manifest m join repository r on r.id = m.repository_id where r.project_id = $PROJECT_ID")
  REPOS=$(sql "select count(*) from repository where project_id = $PROJECT_ID")
  ARTIFACTS=$SEEDED
  echo "   reusing database $DB: $SEEDED artifacts in $REPOS repositories of $PROJECT" >&2
else
log "seeding $ARTIFACTS artifacts in $REPOS repositories of project $PROJECT"
T0=$(now)
LISTING=$(sql "select to_regproc('listing_rebuild') is not null")
TRIGGERS_OFF=""
TRIGGERS_ON=""
if [[ $LISTING == t ]]; then
  TRIGGERS_OFF="alter table manifest disable trigger listing_manifest; alter table tag disable trigger listing_tag;
alter table manifest_reference disable trigger listing_reference;"
  TRIGGERS_ON="select listing_rebuild(); alter table manifest enable trigger listing_manifest;
alter table tag enable trigger listing_tag; alter table manifest_reference enable trigger listing_reference;"
fi
SHARED="sha256:$(printf 'retbench-shared-layer' | sha256sum | cut -d' ' -f1)"
cat >"$WORK/seed.sql" <<EOF
begin;
$TRIGGERS_OFF
insert into repository (name, project_id, created_at, updated_at)
  select '$PROJECT/app-' || lpad(g::text, 5, '0'), $PROJECT_ID, now() - interval '400 days', now() - interval '400 days'
  from generate_series(0, $REPOS - 1) g;
create temp table repo as
  select row_number() over (order by id) - 1 as ord, id from repository where project_id = $PROJECT_ID;
create temp table staged as
  select i, i % $REPOS as ord,
         'sha256:' || encode(sha256(('retbench-config-' || i)::bytea), 'hex') as config_digest,
         'sha256:' || encode(sha256(('retbench-layer-' || i)::bytea), 'hex') as own
  from generate_series(0, $ARTIFACTS - 1) i;
alter table staged add column content bytea;
update staged set content = convert_to(json_build_object(
    'schemaVersion', 2, 'mediaType', 'application/vnd.oci.image.manifest.v1+json',
    'config', json_build_object('mediaType', 'application/vnd.berth.retbench.config.v1+json', 'digest', config_digest, 'size', 200),
    'layers', json_build_array(
      json_build_object('mediaType', 'application/vnd.oci.image.layer.v1.tar+gzip', 'digest', '$SHARED', 'size', 4000000),
      json_build_object('mediaType', 'application/vnd.oci.image.layer.v1.tar+gzip', 'digest', own, 'size', 1000000 + i)))::text, 'UTF8');
insert into blob (digest, size) values ('$SHARED', 4000000);
insert into blob (digest, size) select config_digest, 200 from staged union all select own, 1000000 + i from staged;
insert into manifest (repository_id, digest, media_type, config_media_type, config_digest, size, content, created_at)
  select r.id, 'sha256:' || encode(sha256(s.content), 'hex'), 'application/vnd.oci.image.manifest.v1+json',
         'application/vnd.berth.retbench.config.v1+json', s.config_digest, length(s.content), s.content,
         now() - (($ARTIFACTS - s.i) * interval '5 minutes')
  from staged s join repo r using (ord) order by s.i;
create temp table made as
  select m.id, s.i, s.config_digest, s.own, m.repository_id, m.created_at
  from staged s join repo r using (ord)
  join manifest m on m.repository_id = r.id and m.digest = 'sha256:' || encode(sha256(s.content), 'hex');
insert into manifest_blob (manifest_id, digest)
  select id, config_digest from made union all select id, own from made union all select id, '$SHARED' from made;
insert into repository_blob (repository_id, digest)
  select repository_id, config_digest from made union all select repository_id, own from made
  union all select id, '$SHARED' from repo;
insert into tag (repository_id, name, manifest_id, created_at, updated_at)
  select repository_id, 'v' || i, id, created_at, created_at from made;
$TRIGGERS_ON
commit;
vacuum analyze;
EOF
pg -d "$DB" -f "$WORK/seed.sql"
SEED_SECONDS=$(elapsed "$T0" "$(now)")
SEEDED=$(sql "select count(*) from manifest m join repository r on r.id = m.repository_id where r.project_id = $PROJECT_ID")
echo "   seeded $SEEDED artifacts in ${SEED_SECONDS} s" >&2
((SEEDED == ARTIFACTS)) || { warn "seeded $SEEDED artifacts, not $ARTIFACTS"; exit 1; }
fi

# ---------------------------------------------------------------- push without a run

PUSH_ARGS=(--images "$IMAGES" --layers "$LAYERS" --layer-size "$LAYER_SIZE" --workers "$WORKERS" --repos 4)
log "warm-up push (not measured)"
load push --images 40 --layers 1 --layer-size 64KiB --workers "$WORKERS" --repos 4 --repo-prefix "$PUSHED/warm$RUN_TAG" --seed 3 >/dev/null
log "push without a retention run: $IMAGES images x $LAYERS x $LAYER_SIZE, $WORKERS workers"
BASELINE=$(load push "${PUSH_ARGS[@]}" --repo-prefix "$PUSHED/base$RUN_TAG" --seed 11)
jq -e '.p99Ms' <<<"$BASELINE" >/dev/null || { warn "baseline push failed: $BASELINE"; exit 1; }

# ---------------------------------------------------------------- the policy, the dry run

POLICY_BODY=$(jq -nc --argjson ref "$PROJECT_ID" --argjson k "$KEEP_PER_REPO" '{
  algorithm: "or", scope: {level: "project", ref: $ref},
  trigger: {kind: "Schedule", settings: {cron: ""}, references: {}},
  rules: [{disabled: false, action: "retain", template: "latestPushedK", params: {latestPushedK: $k},
           tag_selectors: [{kind: "doublestar", decoration: "matches", pattern: "**", extras: "{\"untagged\":true}"}],
           scope_selectors: {repository: [{kind: "doublestar", decoration: "repoMatches", pattern: "**"}]}}]}')
POLICY=$(sql "select value from project_metadata where project_id = $PROJECT_ID and name = 'retention_id'" 2>/dev/null || true)
if [[ -n $POLICY ]]; then
  api PUT "/api/v2.0/retentions/$POLICY" "$POLICY_BODY" >/dev/null
  # A run the earlier Berth left unfinished would go on deleting under this one: stop it first.
  for stale in $(api GET "/api/v2.0/retentions/$POLICY/executions?page_size=100" | jq -r '.[] | select(.status == "Running" or .status == "Pending") | .id'); do
    warn "stopping execution $stale left by an earlier run"
    api PATCH "/api/v2.0/retentions/$POLICY/executions/$stale" '{"action":"stop"}' >/dev/null
    await_run "$POLICY" "$stale" 120 >/dev/null
  done
else
  POLICY=$(created POST /api/v2.0/retentions "$POLICY_BODY")
fi

# run DRY TIMEOUT: starts a run, waits for it; sets RUN_ID RUN_JSON RUN_WALL RUN_SERVER
run() { # DRY TIMEOUT
  local t0 t1 c0
  c0=$(cpu_seconds)
  t0=$(now)
  RUN_ID=$(created POST "/api/v2.0/retentions/$POLICY/executions" "{\"dry_run\":$1}")
  RUN_JSON=$(await_run "$POLICY" "$RUN_ID" "$2")
  t1=$(now)
  RUN_CPU=$(cpu_used "$c0" "$(cpu_seconds)")
  RUN_WALL=$(elapsed "$t0" "$t1")
  RUN_SERVER=$(elapsed "$(iso_seconds "$(jq -r .start_time <<<"$RUN_JSON")")" "$(iso_seconds "$(jq -r .end_time <<<"$RUN_JSON")")")
}
counts() { # EXECUTION: {"tasks":…,"tasksDone":…,"total":…,"retained":…} from the run's task rows
  sql "select json_build_object('tasks', count(*), 'tasksDone', count(*) filter (where done),
         'total', coalesce(sum(total), 0), 'retained', coalesce(sum(retained), 0))
       from retention_task where execution_id = $1"
}

log "dry run (policy $POLICY: keep the $KEEP_PER_REPO most recently pushed of each repository)"
run true "$RUN_TIMEOUT"
DRY_ID=$RUN_ID DRY_STATUS=$(jq -r .status <<<"$RUN_JSON") DRY_WALL=$RUN_WALL DRY_SERVER=$RUN_SERVER DRY_CPU=$RUN_CPU
DRY_COUNTS=$(counts "$DRY_ID")
echo "   dry run $DRY_ID: $DRY_STATUS in $DRY_WALL s (Berth: $DRY_SERVER s; CPU s: $DRY_CPU): $DRY_COUNTS" >&2
[[ $DRY_STATUS == Success ]] || warn "the dry run ended $DRY_STATUS"

# ---------------------------------------------------------------- the real run, with pushes

log "real run, with the same push running in rounds back to back until it ends"
: >"$WORK/during.jsonl"
R0=$(now)
(
  round=1
  while :; do
    start=$(now)
    out=$(load push "${PUSH_ARGS[@]}" --repo-prefix "$PUSHED/during$RUN_TAG-$round" --seed $((100 + round))) || true
    [[ -n $out ]] || out='{"error":"no result"}'
    end=$(now)
    jq -c --argjson round "$round" --argjson start "$(elapsed "$R0" "$start")" --argjson finish "$(elapsed "$R0" "$end")" \
      --argjson running "$([[ -e $WORK/run.done ]] && echo false || echo true)" \
      '. + {round: $round, startSeconds: $start, endSeconds: $finish, runRunningAtEnd: $running}' <<<"$out" \
      >>"$WORK/during.jsonl" 2>"$WORK/jq.err" || echo "{\"round\":$round,\"error\":\"no result\"}" >>"$WORK/during.jsonl"
    [[ -e $WORK/run.done ]] || ((round >= MAX_ROUNDS)) && break
    round=$((round + 1))
  done
) &
PUSH_PID=$!
run false "$REAL_TIMEOUT"
touch "$WORK/run.done"
REAL_ID=$RUN_ID REAL_STATUS=$(jq -r .status <<<"$RUN_JSON") REAL_WALL=$RUN_WALL REAL_SERVER=$RUN_SERVER REAL_CPU=$RUN_CPU
REAL_COUNTS=$(counts "$REAL_ID")
# What the real run deleted, done tasks or not (a stopped run's running tasks recorded no counts).
REAL_DELETED=$((SEEDED - $(sql "select count(*) from manifest m join repository r on r.id = m.repository_id where r.project_id = $PROJECT_ID")))
REAL_RATE=$(awk -v n="$REAL_DELETED" -v s="$REAL_SERVER" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }')
echo "   the real run deleted $REAL_DELETED artifacts: $REAL_RATE per second" >&2
PUSH_STATUS=0
wait "$PUSH_PID" || PUSH_STATUS=$?
ROUNDS=$(jq -sc . "$WORK/during.jsonl")
jq -e 'all(.[]; .error == null)' <<<"$ROUNDS" >/dev/null || PUSH_STATUS=1
echo "   real run $REAL_ID: $REAL_STATUS in $REAL_WALL s (Berth: $REAL_SERVER s; CPU s: $REAL_CPU): $REAL_COUNTS;" \
  "$(jq length <<<"$ROUNDS") push rounds" >&2
[[ $REAL_STATUS == Success ]] || warn "the real run ended $REAL_STATUS"
[[ $PUSH_STATUS == 0 ]] || warn "a push during the run failed: $ROUNDS"

# ---------------------------------------------------------------- checks

LEFT=$(sql "select count(*) from manifest m join repository r on r.id = m.repository_id where r.project_id = $PROJECT_ID")
EXPECTED=$((REPOS * KEEP_PER_REPO < ARTIFACTS ? REPOS * KEEP_PER_REPO : ARTIFACTS))
DRY_DELETES=$(jq '.total - .retained' <<<"$DRY_COUNTS")
REAL_DELETES=$(jq '.total - .retained' <<<"$REAL_COUNTS")
echo "   left in $PROJECT: $LEFT artifacts (expected $EXPECTED); the dry run would delete $DRY_DELETES, the run deleted $REAL_DELETES" >&2
CHECKS_OK=true
if [[ $REAL_STATUS == Success ]]; then
  ((LEFT == EXPECTED)) || { warn "left $LEFT artifacts, expected $EXPECTED"; CHECKS_OK=false; }
  ((DRY_DELETES == REAL_DELETES)) || { warn "the dry run and the real run disagree"; CHECKS_OK=false; }
else
  echo "   the real run did not complete: the counts are checked only as far as it got" >&2
  ((LEFT >= EXPECTED)) || { warn "left $LEFT artifacts, fewer than the $EXPECTED kept"; CHECKS_OK=false; }
fi
PUSHES_LEFT=$(sql "select count(*) from manifest m join repository r on r.id = m.repository_id join project p on p.id = r.project_id where p.name = '$PUSHED'")

# ---------------------------------------------------------------- results

mkdir -p "$BENCH_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$BENCH_DIR/results/retention-$STAMP.json"
jq -n --arg timestamp "$STAMP" --argjson cpus "$(nproc)" \
  --arg java "$("$JAVA" -version 2>&1 | head -1)" --arg postgres "$(pg -c 'show server_version')" \
  --arg loadBefore "$LOAD_BEFORE" --arg loadAfter "$(cut -d' ' -f1 /proc/loadavg)" \
  --argjson artifacts "$ARTIFACTS" --argjson repos "$REPOS" --argjson keep "$KEEP_PER_REPO" \
  --argjson jobWorkers "$JOB_WORKERS" --argjson images "$IMAGES" --argjson layers "$LAYERS" --arg layerSize "$LAYER_SIZE" \
  --argjson pushWorkers "$WORKERS" --argjson seedSeconds "$SEED_SECONDS" \
  --arg dryStatus "$DRY_STATUS" --argjson dryWall "$DRY_WALL" --argjson dryServer "$DRY_SERVER" --argjson dryCounts "$DRY_COUNTS" \
  --arg realStatus "$REAL_STATUS" --argjson realWall "$REAL_WALL" --argjson realServer "$REAL_SERVER" --argjson realCounts "$REAL_COUNTS" \
  --argjson dryCpu "$DRY_CPU" --argjson realCpu "$REAL_CPU" --arg reused "$REUSE" \
  --argjson baseline "$BASELINE" --argjson rounds "$ROUNDS" --argjson left "$LEFT" --argjson expected "$EXPECTED" \
  --argjson pushesLeft "$PUSHES_LEFT" --argjson checksOk "$CHECKS_OK" \
  --argjson realDeleted "$REAL_DELETED" --argjson realRate "$REAL_RATE" \
  '{timestamp: $timestamp, host: {cpus: $cpus, java: $java, postgres: $postgres, loadBefore: $loadBefore, loadAfter: $loadAfter},
    config: {artifacts: $artifacts, repositories: $repos, keepPerRepository: $keep, jobWorkers: $jobWorkers,
             images: $images, layers: $layers, layerSize: $layerSize, pushWorkers: $pushWorkers},
    seedSeconds: $seedSeconds, reusedDatabase: $reused,
    dryRun: {status: $dryStatus, wallSeconds: $dryWall, serverSeconds: $dryServer, cpuSeconds: $dryCpu, counts: $dryCounts},
    realRun: {status: $realStatus, wallSeconds: $realWall, serverSeconds: $realServer, cpuSeconds: $realCpu, counts: $realCounts,
              deleted: $realDeleted, deletedPerSecond: $realRate},
    pushWithoutRun: $baseline, pushDuringRun: $rounds[0], pushRoundsDuringRun: $rounds,
    artifactsLeft: $left, artifactsExpected: $expected, pushedArtifacts: $pushesLeft, checksOk: $checksOk}' >"$RESULTS"
jq -r '
  def f(x): if x == null then "–" else (x * 10 | round / 10 | tostring) end;
  "| \(.config.artifacts) artifacts, \(.config.repositories) repositories, keep \(.config.keepPerRepository) each, \(.config.jobWorkers) job workers | status | wall s | Berth s | CPU s Berth | CPU s PostgreSQL | total | retained |",
  "|---|---|---:|---:|---:|---:|---:|---:|",
  "| dry run | \(.dryRun.status) | \(f(.dryRun.wallSeconds)) | \(f(.dryRun.serverSeconds)) | \(f(.dryRun.cpuSeconds.berth)) | \(f(.dryRun.cpuSeconds.postgres)) | \(.dryRun.counts.total) | \(.dryRun.counts.retained) |",
  "| real run | \(.realRun.status) | \(f(.realRun.wallSeconds)) | \(f(.realRun.serverSeconds)) | \(f(.realRun.cpuSeconds.berth)) | \(f(.realRun.cpuSeconds.postgres)) | \(.realRun.counts.total) | \(.realRun.counts.retained) |",
  "",
  "the real run deleted \(.realRun.deleted) artifacts (\(.realRun.deletedPerSecond) per second); repository tasks done: dry run \(.dryRun.counts.tasksDone) of \(.dryRun.counts.tasks), real run \(.realRun.counts.tasksDone) of \(.realRun.counts.tasks)",
  "",
  "| push \(.config.images) × \(.config.layers) × \(.config.layerSize), \(.config.pushWorkers) workers | images/s | p50 ms | p99 ms |",
  "|---|---:|---:|---:|",
  "| without a run | \(f(.pushWithoutRun.imagesPerSec)) | \(f(.pushWithoutRun.p50Ms)) | \(f(.pushWithoutRun.p99Ms)) |",
  (.pushRoundsDuringRun[] | "| during the real run, round \(.round) (\(.startSeconds)–\(.endSeconds) s\(if .runRunningAtEnd then "" else ", the run ended first" end)) | \(f(.imagesPerSec)) | \(f(.p50Ms)) | \(f(.p99Ms)) |"),
  "",
  "seeded in \(.seedSeconds) s; left \(.artifactsLeft) of \(.config.artifacts) (expected \(.artifactsExpected)); load average \(.host.loadBefore) before, \(.host.loadAfter) after"
' "$RESULTS" | tee "${RESULTS%.json}.md"
echo "results: $RESULTS" >&2
$CHECKS_OK && [[ $DRY_STATUS == Success && $PUSH_STATUS == 0 ]]
