#!/usr/bin/env bash
# Berth's list APIs at scale (issue 4): 100,000 artifacts in 1,000 repositories of one project,
# with tags and labels, seeded straight into PostgreSQL; Berth restarted on them and its
# extra_attrs backfill awaited; then 8 concurrent clients against the artifact list, the
# repository list and (if it exists) search, ~20 s each: p50/p99 latency and req/s.
# See bench/README.md ("List APIs: lists.sh"). Usage: bench/lists.sh [--no-build] [--keep]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

ARTIFACTS=${LIST_ARTIFACTS:-100000}
REPOS=${LIST_REPOS:-1000}
BASES=${LIST_BASES:-8} # real images pushed first; seeded artifacts share their config and layer blobs
DURATION=${LIST_DURATION:-20}
WARMUP=${LIST_WARMUP:-5}
# Berth is restarted after the seed (for its backfill), so its code starts cold: before any figure,
# every scenario's paths are listed for this long in total, as a server that has been running would
# have (a 5 s warm-up alone measured 2-3x the CPU per page of later runs).
JIT_WARMUP=${LIST_JIT_WARMUP:-60}
WORKERS=${LIST_WORKERS:-8}
BACKFILL_TIMEOUT=${LIST_BACKFILL_TIMEOUT:-900} # seconds to wait for Berth to derive the seeded extra_attrs
GLOBAL_LABELS=5
PROJECT_LABELS=10
PAGE_SIZE=100
bench_berth_settings
PROJECT=lb
BUILD=true
KEEP=false
UNCACHED=${LIST_UNCACHED:-true} # also measure the artifact pages with Berth's page cache off

while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    --artifacts) ARTIFACTS=$2; shift 2 ;;
    --repos) REPOS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    -h|--help)
      echo "usage: bench/lists.sh [--no-build] [--keep] [--artifacts N] [--repos N] [--duration S]"
      echo "env: LIST_ARTIFACTS LIST_REPOS LIST_BASES LIST_DURATION LIST_WARMUP LIST_WORKERS LIST_BACKFILL_TIMEOUT"
      echo "     LIST_JIT_WARMUP (s, default 60) LIST_UNCACHED (true: also measure with the page cache off)"
      echo "     BENCH_BERTH_JAR BERTH_JAVA_OPTS BENCH_BERTH_PASSWORD"
      exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
((REPOS >= 10 && ARTIFACTS >= REPOS)) || { echo "need at least 10 repositories and one artifact per repository" >&2; exit 2; }

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

WORK=$(mktemp -d /tmp/berth-lists.XXXXXX)
DATA="$WORK/data"
DB="berth_listbench_$(date +%s)_$$"
DB_CREATED=false
PID=""

NGINX_PID=""
cleanup() {
  local status=$?
  stop_berth
  [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null
  if $DB_CREATED && $KEEP; then
    echo "kept database $DB (drop it when done: psql -h 127.0.0.1 -U postgres -c 'drop database $DB')" >&2
  elif $DB_CREATED; then
    psql -h 127.0.0.1 -U postgres -qc "drop database if exists $DB with (force)" >/dev/null 2>&1 ||
      warn "could not drop database $DB"
  fi
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg() { psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
sql() { pg -d "$DB" -c "$1"; }

cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

load() {
  BENCH_AUTH="$AUTH" timeout -k 10 600 "$JAVA" -cp "$WORK/classes" RegistryLoad "$1" --url "$URL" "${@:2}"
}

# ---------------------------------------------------------------- build, start

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$LOAD_BEFORE" 'BEGIN { exit !(l > 0.5) }' &&
  warn "load average is $LOAD_BEFORE before starting: other work on this machine will make the figures noisy"

if $BUILD; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
fi
[[ -f "$BERTH_JAR" ]] || { warn "no $BERTH_JAR (run without --no-build)"; exit 1; }
"$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH_DIR"/*.java

pg -c "create database $DB" >/dev/null
DB_CREATED=true
log "starting Berth (database $DB)"
# shellcheck disable=SC2119 # no extra arguments for Berth here
start_berth || exit 1
echo "   on $URL" >&2
for project in "$PROJECT" seed; do
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -u "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"project_name\":\"$project\"}" "$URL/api/v2.0/projects")
  [[ $status == 201 ]] || { warn "creating project $project answered $status"; exit 1; }
done

# ---------------------------------------------------------------- seed

# BASES real images (config + 2 layers each, on disk) in project seed; then ARTIFACTS distinct
# image manifests (bench/list_seed.py), each with its own config blob on disk, the layers of one
# base image (shared) and one layer of its own, spread over REPOS repositories of project lb: a
# tenth of the repositories hold 55 % of the artifacts (several pages each), the rest 45 %.
log "seeding: $BASES real images, then $ARTIFACTS artifacts in $REPOS repositories"
load push --images "$BASES" --repos "$BASES" --layers 2 --layer-size 4KiB --workers 1 --repo-prefix seed/base --seed 7 >/dev/null
T0=$(now)
sql "select coalesce(json_agg(json_build_object('layers', (
       select json_agg(json_build_object('digest', b.digest, 'size', b.size) order by b.digest)
       from manifest_blob mb join blob b using (digest) where mb.manifest_id = m.id and b.digest <> m.config_digest))
     order by m.id), '[]')
     from manifest m join repository r on r.id = m.repository_id where r.name like 'seed/base%'" >"$WORK/bases.json"
python3 "$BENCH_DIR/list_seed.py" "$DATA" "$WORK/bases.json" "$ARTIFACTS" "$WORK" >/dev/null
# Berth keeps artifact counts and sizes with per-row triggers (V13); a bulk load of this size
# switches them off and rebuilds the listing in one set-based pass (listing_rebuild) instead.
LISTING=$(sql "select to_regproc('listing_rebuild') is not null")
if [[ $LISTING == t ]]; then
  TRIGGERS_OFF="alter table manifest disable trigger listing_manifest; alter table tag disable trigger listing_tag;
alter table manifest_reference disable trigger listing_reference;"
  TRIGGERS_ON="select listing_rebuild(); alter table manifest enable trigger listing_manifest;
alter table tag enable trigger listing_tag; alter table manifest_reference enable trigger listing_reference;"
else
  TRIGGERS_OFF=""
  TRIGGERS_ON=""
fi
LABELS=$(sql "select case when to_regclass('label') is null then 'false' else 'true' end")
LABEL_SQL=""
if [[ $LABELS == true ]]; then
  # GLOBAL_LABELS global labels and PROJECT_LABELS of the project; every third artifact carries one
  # of them, every sixth a second one.
  LABEL_SQL="
insert into label (name, description, color, scope, creation_time, update_time)
  select 'global-' || g, 'listbench global label', '#0065AB', 'g', now() - interval '400 days', now() - interval '400 days'
  from generate_series(1, $GLOBAL_LABELS) g;
insert into label (name, description, color, scope, project_id, creation_time, update_time)
  select 'team-' || g, 'listbench project label', '#1D5100', 'p', (select id from project where name = '$PROJECT'),
         now() - interval '400 days', now() - interval '400 days'
  from generate_series(1, $PROJECT_LABELS) g;
create temp table bench_label as
  select row_number() over (order by id) - 1 as n, id from label
  where (scope = 'g' and name like 'global-%') or (scope = 'p' and project_id = (select id from project where name = '$PROJECT'));
insert into artifact_label (label_id, manifest_id, creation_time)
  select l.id, made.id, made.created_at from made join bench_label l on l.n = (made.i / 3) % $((GLOBAL_LABELS + PROJECT_LABELS))
  where made.i % 3 = 0
  union all
  select l.id, made.id, made.created_at from made join bench_label l on l.n = (made.i / 3 + 7) % $((GLOBAL_LABELS + PROJECT_LABELS))
  where made.i % 6 = 0;"
fi
LARGE=$((REPOS / 10))
IN_LARGE=$((ARTIFACTS * 55 / 100))
cat >"$WORK/seed.sql" <<EOF
begin;
$TRIGGERS_OFF
create temp table base as
  select row_number() over (order by m.id) - 1 as k, m.id, m.config_digest
  from manifest m join repository r on r.id = m.repository_id where r.name like 'seed/base%';
insert into repository (name, project_id, created_at, updated_at)
  select '$PROJECT/app-' || lpad(g::text, 5, '0'), (select id from project where name = '$PROJECT'),
         now() - interval '400 days', now() - interval '400 days'
  from generate_series(0, $REPOS - 1) g;
create temp table repo as
  select row_number() over (order by id) - 1 as ord, id from repository where name like '$PROJECT/app-%';
\copy blob (digest, size) from '$WORK/blob.copy'
create temp table staged (i int, digest text, size int, content bytea, config_digest text, k int, own text);
\copy staged from '$WORK/manifest.copy'
alter table staged add column ord int;
update staged set ord = case when i < $IN_LARGE then i % $LARGE else $LARGE + (i - $IN_LARGE) % ($REPOS - $LARGE) end;
insert into manifest (repository_id, digest, media_type, config_media_type, config_digest, annotations, size, content, created_at)
  select r.id, s.digest, 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.config.v1+json',
         s.config_digest, convert_from(s.content, 'UTF8')::jsonb -> 'annotations', s.size, s.content,
         now() - (($ARTIFACTS - s.i) * interval '5 minutes')
  from staged s join repo r using (ord) order by s.i;
create temp table made as
  select m.id, s.i, s.k, s.config_digest, s.own, m.repository_id, m.created_at
  from staged s join repo r using (ord) join manifest m on m.repository_id = r.id and m.digest = s.digest;
create temp table base_layer as
  select b.k, mb.digest from base b join manifest_blob mb on mb.manifest_id = b.id where mb.digest <> b.config_digest;
insert into manifest_blob (manifest_id, digest)
  select id, config_digest from made union all select id, own from made
  union all select made.id, bl.digest from made join base_layer bl using (k);
insert into repository_blob (repository_id, digest)
  select distinct repository_id, d from (
    select repository_id, config_digest d from made union all select repository_id, own from made
    union all select made.repository_id, bl.digest from made join base_layer bl using (k)) x;
-- 1-2 tags per artifact: v<i> on every one, stable-<i> on every other
insert into tag (repository_id, name, manifest_id, created_at, updated_at)
  select repository_id, 'v' || i, id, created_at, created_at from made;
insert into tag (repository_id, name, manifest_id, created_at, updated_at)
  select repository_id, 'stable-' || i, id, created_at, created_at from made where i % 2 = 0;
$LABEL_SQL
$TRIGGERS_ON
commit;
vacuum analyze;
EOF
pg -d "$DB" -f "$WORK/seed.sql"
T1=$(now)
SEED_SECONDS=$(elapsed "$T0" "$T1")
COUNTS=$(sql "select json_build_object(
  'repositories', (select count(*) from repository r join project p on p.id = r.project_id where p.name = '$PROJECT'),
  'artifacts', (select count(*) from manifest m join repository r on r.id = m.repository_id join project p on p.id = r.project_id where p.name = '$PROJECT'),
  'tags', (select count(*) from tag t join repository r on r.id = t.repository_id join project p on p.id = r.project_id where p.name = '$PROJECT'),
  'labels', $([[ $LABELS == true ]] && echo "(select count(*) from label)" || echo 0),
  'labelledArtifacts', $([[ $LABELS == true ]] && echo "(select count(distinct manifest_id) from artifact_label)" || echo 0),
  'artifactLabels', $([[ $LABELS == true ]] && echo "(select count(*) from artifact_label)" || echo 0),
  'manifestBlobLinks', (select count(*) from manifest_blob),
  'distinctBlobs', (select count(*) from blob),
  'manifestBytes', (select sum(size) from manifest))")
echo "   seeded in ${SEED_SECONDS} s: $COUNTS; label table: $LABELS" >&2

# ---------------------------------------------------------------- backfill

# Berth derives extra_attrs (from the config blob) when a manifest is pushed; rows loaded straight
# into the database come without them, and the backfill Berth runs after start-up derives them. So
# Berth is restarted on the seeded data, as after an upgrade or a bulk load, and the lists are
# measured once no seeded image is left without its config_attributes row.
BACKFILL_SECONDS=null
if [[ $(sql "select to_regclass('config_attributes_backfill') is not null") == t ]]; then
  log "restarting Berth on the seeded data, then waiting for its extra_attrs backfill"
  stop_berth
  mv "$WORK/berth.log" "$WORK/berth-seeding.log"
  # shellcheck disable=SC2119 # no extra arguments for Berth here
  start_berth || exit 1
  echo "   on $URL" >&2
  T0=$(now)
  MISSING_SQL="select count(*) from manifest m join repository r on r.id = m.repository_id
    join project p on p.id = r.project_id
    where p.name = '$PROJECT' and m.config_media_type = 'application/vnd.oci.image.config.v1+json'
      and not exists (select 1 from config_attributes c where c.config_digest = m.config_digest and c.kind = 'image')"
  REPORTED=0
  while :; do
    MISSING=$(sql "$MISSING_SQL")
    ((MISSING == 0)) && break
    WAITED=$(elapsed "$T0" "$(now)")
    if awk -v w="$WAITED" -v t="$BACKFILL_TIMEOUT" 'BEGIN { exit !(w > t) }'; then
      warn "$MISSING seeded images still without extra_attrs after ${BACKFILL_TIMEOUT} s"
      tail -20 "$WORK/berth.log" >&2
      exit 1
    fi
    if awk -v w="$WAITED" -v r="$REPORTED" 'BEGIN { exit !(w >= r + 5) }'; then
      echo "   backfill: $MISSING of $ARTIFACTS seeded images still without extra_attrs after ${WAITED} s" >&2
      REPORTED=$WAITED
    fi
    sleep 2
  done
  WAITED=$(elapsed "$T0" "$(now)")
  DONE=$(grep -o 'event=config_attributes_backfill_done.*' "$WORK/berth.log" | tail -1)
  # Berth's own figure (from its start-up to the last row); what the script waited after readiness if absent
  BACKFILL_SECONDS=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$DONE")
  BACKFILL_SECONDS=${BACKFILL_SECONDS:-$WAITED}
  echo "   backfill took ${BACKFILL_SECONDS} s; no seeded image without extra_attrs ${WAITED} s after Berth" \
    "was ready (Berth's log: ${DONE:-no backfill line})" >&2
else
  echo "   this Berth has no extra_attrs backfill: not restarted, nothing awaited" >&2
fi

# The paths the clients pick from at random: every existing page of every repository's artifacts,
# every page of the repository list.
sql "select '/api/v2.0/projects/$PROJECT/repositories/' || substr(r.name, length('$PROJECT/') + 1)
       || '/artifacts?page=' || p || '&page_size=$PAGE_SIZE&with_tag=true'
     from (select repository_id, count(*) n from manifest group by repository_id) c
     join repository r on r.id = c.repository_id, generate_series(1, ceil(c.n / $PAGE_SIZE.0)::int) p
     where r.name like '$PROJECT/%'" >"$WORK/artifacts.paths"
sed 's/with_tag=true$/with_tag=true\&with_label=true\&with_immutable_status=true\&with_accessory=true\&with_signature=true/' \
  "$WORK/artifacts.paths" >"$WORK/artifacts-portal.paths"
REPO_PAGES=$(( (REPOS + PAGE_SIZE - 1) / PAGE_SIZE ))
for p in $(seq 1 "$REPO_PAGES"); do
  echo "/api/v2.0/projects/$PROJECT/repositories?page=$p&page_size=$PAGE_SIZE"
done >"$WORK/repositories.paths"
SEARCH_STATUS=$(curl -s -o "$WORK/search.out" -w '%{http_code}' --max-time 30 -u "$AUTH" "$URL/api/v2.0/search?q=app-001")
SCENARIOS=(artifacts artifacts-portal repositories)
if [[ $SEARCH_STATUS == 200 ]]; then
  for p in $(seq 0 99); do printf '/api/v2.0/search?q=app-%03d\n' "$p"; done >"$WORK/search.paths"
  SCENARIOS+=(search)
else
  echo "   GET /api/v2.0/search answered $SEARCH_STATUS: Berth has no search API; not measured" >&2
fi
echo "   $(wc -l <"$WORK/artifacts.paths") artifact pages, $REPO_PAGES repository pages" >&2

# ---------------------------------------------------------------- measure

# jit_warmup NAME SCENARIO...: the scenarios' paths listed for JIT_WARMUP seconds, not measured.
jit_warmup() {
  ((JIT_WARMUP > 0)) || return 0
  local name=$1
  shift
  log "warming Berth up: ${JIT_WARMUP} s over the paths of $*, not measured"
  (cd "$WORK" && cat "${@/%/.paths}") >"$WORK/$name.paths"
  load list --paths-file "$WORK/$name.paths" --duration "$JIT_WARMUP" --workers "$WORKERS" --name "$name" --seed 3 >/dev/null
}

# measure NAME SCENARIO: the scenario's paths for WARMUP s, then DURATION s measured as NAME, with
# Berth's CPU time; one line in results.jsonl.
measure() {
  local name=$1 paths="$WORK/$2.paths" before after out
  log "$name: warm-up ${WARMUP} s, then $WORKERS clients for ${DURATION} s"
  load list --paths-file "$paths" --duration "$WARMUP" --workers "$WORKERS" --name "$name" --seed 1 >/dev/null
  before=$(cpu_seconds "$PID")
  out=$(load list --paths-file "$paths" --duration "$DURATION" --workers "$WORKERS" --name "$name" --seed 2)
  after=$(cpu_seconds "$PID")
  jq -c --argjson cpu "$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", b - a }')" \
    '. + {serverCpuSeconds: $cpu, serverCpuMsPerRequest: (if .requests > 0 then $cpu * 1000 / .requests else null end)}' \
    <<<"$out" >>"$WORK/results.jsonl"
}

jit_warmup warmup "${SCENARIOS[@]}"
: >"$WORK/results.jsonl"
for scenario in "${SCENARIOS[@]}"; do
  measure "$scenario" "$scenario"
done

# ---------------------------------------------------------------- artifact pages built every time

# Berth keeps artifact pages in memory (ArtifactPageCache) and the scenarios above read the same
# pages over and over, so they measure pages served from memory. Here Berth is restarted with that
# cache off and warmed up again, and the artifact scenarios measured once more: what every page
# costs when it has to be built (a page that changed since it was last read, or a cold replica).
if $UNCACHED; then
  log "restarting Berth with its artifact page cache off (--berth.lists.page-cache-size=0)"
  stop_berth
  mv "$WORK/berth.log" "$WORK/berth-cached.log"
  start_berth --berth.lists.page-cache-size=0 || exit 1
  echo "   on $URL" >&2
  jit_warmup warmup-uncached artifacts artifacts-portal
  for scenario in artifacts artifacts-portal; do
    measure "$scenario-uncached" "$scenario"
  done
fi

# ---------------------------------------------------------------- reference: nginx

# The same client, workers and duration against Debian's nginx serving one full page of the
# artifact list (100 artifacts, every portal flag) as a static file: what this machine, the load
# client and loopback TCP cost for a response of that size, with no per-request work at all.
if command -v nginx >/dev/null; then
  mkdir -p "$WORK/static"
  chmod 755 "$WORK" "$WORK/static"
  curl -s -f -u "$AUTH" -o "$WORK/static/page.json" "$URL$(grep -m1 'app-00000/artifacts?page=1&' "$WORK/artifacts-portal.paths")"
  NGINX_PORT=$(free_port)
  nginx_conf "$WORK/nginx" "$NGINX_PORT" "$WORK/static"
  nginx -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" >"$WORK/nginx/nginx.out" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 1 50); do
    curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/page.json" && break
    sleep 0.1
  done
  echo /page.json >"$WORK/nginx.paths"
  log "nginx-static (reference, $(($(stat -c %s "$WORK/static/page.json") / 1024)) KiB page): warm-up ${WARMUP} s, then $WORKERS clients for ${DURATION} s"
  URL="http://127.0.0.1:$NGINX_PORT" load list --paths-file "$WORK/nginx.paths" --duration "$WARMUP" \
    --workers "$WORKERS" --name nginx-static --seed 1 >/dev/null
  out=$(URL="http://127.0.0.1:$NGINX_PORT" load list --paths-file "$WORK/nginx.paths" --duration "$DURATION" \
    --workers "$WORKERS" --name nginx-static --seed 2)
  jq -c '. + {serverCpuSeconds: null, serverCpuMsPerRequest: null}' <<<"$out" >>"$WORK/results.jsonl"
  kill "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
fi

# ---------------------------------------------------------------- results

mkdir -p "$BENCH_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$BENCH_DIR/results/lists-$STAMP.json"
jq -n --arg timestamp "$STAMP" --argjson cpus "$(nproc)" \
  --arg java "$("$JAVA" -version 2>&1 | head -1)" --arg postgres "$(pg -c 'show server_version')" \
  --argjson counts "$COUNTS" --argjson seedSeconds "$SEED_SECONDS" --argjson labels "$LABELS" \
  --argjson backfillSeconds "$BACKFILL_SECONDS" \
  --argjson config "$(jq -n --argjson artifacts "$ARTIFACTS" --argjson repos "$REPOS" --argjson bases "$BASES" \
    --argjson duration "$DURATION" --argjson workers "$WORKERS" --argjson pageSize "$PAGE_SIZE" '$ARGS.named')" \
  --arg searchStatus "$SEARCH_STATUS" --arg loadBefore "$LOAD_BEFORE" --arg loadAfter "$(cut -d' ' -f1 /proc/loadavg)" \
  --slurpfile results "$WORK/results.jsonl" \
  '{timestamp: $timestamp, host: {cpus: $cpus, java: $java, postgres: $postgres, loadBefore: $loadBefore, loadAfter: $loadAfter},
    config: $config, seeded: $counts, seedSeconds: $seedSeconds, labelTable: $labels,
    backfillSeconds: $backfillSeconds, searchStatus: $searchStatus,
    results: $results}' >"$RESULTS"
jq -r '
  def f(x): if x == null then "–" else (x * 10 | round / 10 | tostring) end;
  "| \(.seeded.artifacts) artifacts, \(.seeded.repositories) repositories, \(.seeded.labelledArtifacts // 0) labelled, \(.config.workers) clients, page_size \(.config.pageSize) | req/s | p50 ms | p99 ms | server CPU ms/req | errors |",
  "|---|---:|---:|---:|---:|---|",
  (.results[] | "| \(.scenario) | \(f(.reqPerSec)) | \(f(.p50Ms)) | \(f(.p99Ms)) | \(f(.serverCpuMsPerRequest)) | \(.error // "none") |"),
  "",
  "search: \(if .searchStatus == "200" then "measured" else "no API (HTTP \(.searchStatus))" end); extra_attrs backfill after the restart: \(if .backfillSeconds == null then "none" else "\(.backfillSeconds) s" end); load average \(.host.loadBefore) before, \(.host.loadAfter) after"
' "$RESULTS" | tee "${RESULTS%.json}.md"
echo "results: $RESULTS" >&2
jq -e 'all(.results[]; .error == null)' "$RESULTS" >/dev/null
