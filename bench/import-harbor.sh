#!/usr/bin/env bash
# Importing a Harbor (issue 23): IMPORT_ARTIFACTS (10,000) artifacts in IMPORT_REPOSITORIES (500)
# repositories of 10 projects, seeded into a Harbor 2.14 database made by Harbor's own migration SQL
# (the test resources) and a registry storage in distribution's filesystem layout on the same
# filesystem as Berth's data. Each image is an OCI manifest with a config and three layers: one of
# 5 shared base layers (2 MiB), its repository's layer (256 KiB) and a layer of its own (16 KiB), so
# that most of the bytes are shared, as in a real registry. Times `java -jar berth.jar
# import-harbor` (wall, CPU, peak RSS), reads bytes copied vs linked from its summary, runs it a
# second time (must change nothing), then starts Berth and checks that sample images answer with
# their Harbor digests.
# Usage: bench/import-harbor.sh [--artifacts N] [--repositories N] [--no-build] [--keep]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java
bench_berth_settings

ARTIFACTS=${IMPORT_ARTIFACTS:-10000}
REPOSITORIES=${IMPORT_REPOSITORIES:-500}
MIGRATIONS="$ROOT/berth-server/src/test/resources/harbor/migrations"
BUILD=true
KEEP=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --artifacts) ARTIFACTS=$2; shift 2 ;;
    --repositories) REPOSITORIES=$2; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
((REPOSITORIES % 10 == 0 && ARTIFACTS >= REPOSITORIES)) ||
  { echo "--repositories must be a multiple of 10 (10 projects) and at most --artifacts" >&2; exit 2; }

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

WORK=$(mktemp -d /tmp/berth-importbench.XXXXXX)
DATA="$WORK/data"
STORAGE="$WORK/harbor-storage"
PID=""
DB=""
HARBOR_DB=""
cleanup() {
  local status=$?
  stop_berth
  if ! $KEEP; then
    for d in "$DB" "$HARBOR_DB"; do
      [[ -z "$d" ]] || pg -c "drop database if exists $d with (force)" >/dev/null 2>&1 || warn "could not drop database $d"
    done
    rm -rf "$WORK"
  else
    echo "kept $WORK (databases $DB, $HARBOR_DB)" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$LOAD_BEFORE" 'BEGIN { exit !(l > 0.5) }' &&
  warn "load average is $LOAD_BEFORE before starting: other work on this machine will make the figures noisy"
if $BUILD || [[ ! -f "$BERTH_JAR" ]]; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl berth-server -am)
fi

# ---------------------------------------------------------------- Harbor's database and storage

STAMP="$(date +%s)_$$"
HARBOR_DB="harbor_importbench_$STAMP"
DB="berth_importbench_$STAMP"
pg -c "create database $HARBOR_DB" >/dev/null
pg -c "create database $DB" >/dev/null
log "creating Harbor 2.14's schema in $HARBOR_DB with Harbor's migration SQL"
pg -d "$HARBOR_DB" -c "create table schema_migrations (version bigint not null primary key, dirty boolean not null)"
for f in $(cd "$MIGRATIONS" && ls -- *.up.sql | sort); do
  version=$((10#${f:0:4}))
  pg -d "$HARBOR_DB" -c "delete from schema_migrations; insert into schema_migrations values ($version, true)"
  pg -d "$HARBOR_DB" -f "$MIGRATIONS/$f" >/dev/null
  pg -d "$HARBOR_DB" -c "update schema_migrations set dirty = false"
done

log "seeding $ARTIFACTS artifacts in $REPOSITORIES repositories (storage and rows)"
T0=$(now)
python3 - "$STORAGE" "$WORK/seed.sql" "$ARTIFACTS" "$REPOSITORIES" <<'PY'
import hashlib, json, os, sys
storage, seed, artifacts, repositories = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
root = os.path.join(storage, "docker", "registry", "v2")
written = {}

def blob(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    if digest not in written:
        hexd = digest[7:]
        d = os.path.join(root, "blobs", "sha256", hexd[:2], hexd)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "data"), "wb") as f:
            f.write(data)
        written[digest] = len(data)
    return digest, len(data)

def layer(seed, size):
    # deterministic, incompressible-looking bytes
    out, block, i = bytearray(), hashlib.sha256(seed.encode()).digest(), 0
    while len(out) < size:
        out += hashlib.sha256(block + i.to_bytes(8, "big")).digest()
        i += 1
    return bytes(out[:size])

bases = [blob(layer(f"base-{b}", 2 << 20)) for b in range(5)]
projects = [f"team-{p:02d}" for p in range(10)]
rows = ["begin;"]
for p, name in enumerate(projects):
    rows.append(f"insert into project (project_id, owner_id, name, deleted, registry_id) values ({p + 2}, 1, '{name}', false, null);")
    rows.append(f"insert into project_metadata (project_id, name, value) values ({p + 2}, 'public', 'false');")
    rows.append(f"insert into project_member (project_id, entity_id, entity_type, role) values ({p + 2}, 1, 'u', 1);")
artifact_id = 0
per_repo = artifacts // repositories
extra = artifacts % repositories
for r in range(repositories):
    project = r % 10
    repo = f"{projects[project]}/app-{r:04d}"
    rows.append(f"insert into repository (repository_id, name, project_id, description) values ({r + 1}, '{repo}', {project + 2}, '');")
    repo_layer = blob(layer(f"repo-{r}", 256 << 10))
    for i in range(per_repo + (1 if r < extra else 0)):
        artifact_id += 1
        own = blob(layer(f"own-{r}-{i}", 16 << 10))
        config = blob(json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": {"n": f"{r}-{i}"}},
                                  "rootfs": {"type": "layers", "diff_ids": []}}).encode())
        base = bases[artifact_id % len(bases)]
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config[0], "size": config[1]},
                               "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": s}
                                          for d, s in (base, repo_layer, own)]}, separators=(",", ":")).encode()
        m = blob(manifest)
        size = m[1] + config[1] + base[1] + repo_layer[1] + own[1]
        rows.append("insert into artifact (id, project_id, repository_name, digest, type, push_time, repository_id, media_type,"
                    " manifest_media_type, size, artifact_type) values"
                    f" ({artifact_id}, {project + 2}, '{repo}', '{m[0]}', 'IMAGE', now(), {r + 1},"
                    " 'application/vnd.oci.image.config.v1+json', 'application/vnd.oci.image.manifest.v1+json',"
                    f" {size}, 'application/vnd.oci.image.config.v1+json');")
        rows.append(f"insert into tag (repository_id, artifact_id, name) values ({r + 1}, {artifact_id}, 'v{i}');")
rows.append(f"select setval(pg_get_serial_sequence('artifact', 'id'), {artifact_id});")
rows.append(f"select setval(pg_get_serial_sequence('repository', 'repository_id'), {repositories});")
rows.append("commit;")
with open(seed, "w") as f:
    f.write("\n".join(rows) + "\n")
print(f"{len(written)} blobs, {sum(written.values())} bytes", file=sys.stderr)
PY
pg -d "$HARBOR_DB" -f "$WORK/seed.sql" >/dev/null
pg -d "$HARBOR_DB" -c "vacuum analyze" >/dev/null
STORAGE_BYTES=$(du -sb "$STORAGE" | cut -f1)
echo "   seeded in $(elapsed "$T0" "$(now)") s; Harbor's storage holds $STORAGE_BYTES bytes" >&2

# ---------------------------------------------------------------- import

# import RUN: one import-harbor run; its summary in $WORK/import-RUN.txt, its measures in $WORK/time-RUN.txt
import_run() {
  local run=$1
  mkdir -p "$DATA"
  BERTH_ADMIN_PASSWORD="$BERTH_PASSWORD" BERTH_DATA_DIR="$DATA" \
    SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB" SPRING_DATASOURCE_USERNAME=postgres \
    HARBOR_DB_PASSWORD="" \
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time-$run.txt" \
    "$JAVA" $BERTH_JAVA_OPTS -jar "$BERTH_JAR" import-harbor \
    --harbor-db "jdbc:postgresql://127.0.0.1:$PG_PORT/$HARBOR_DB" --harbor-db-user postgres \
    --harbor-storage "$STORAGE" --robot-secrets "$WORK/robot-secrets.txt" \
    >"$WORK/import-$run.txt" 2>"$WORK/import-$run.log" ||
    { tail -30 "$WORK/import-$run.log" >&2; cat "$WORK/import-$run.txt" >&2; return 1; }
  read -r wall user sys rss <"$WORK/time-$run.txt"
  echo "   $run: ${wall} s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }') s CPU, peak RSS $((rss / 1024)) MiB" >&2
}

log "import-harbor, first run"
import_run first
sed 's/^/   | /' "$WORK/import-first.txt" >&2
log "import-harbor, second run (must change nothing)"
import_run second
sed 's/^/   | /' "$WORK/import-second.txt" >&2

DATA_BYTES=$(du -sb "$DATA" | cut -f1)
BERTH_ARTIFACTS=$(sql "select count(*) from manifest m join repository r on r.id = m.repository_id where r.name like 'team-%'")
BERTH_BLOBS=$(sql "select count(*) from blob")
echo "   Berth now holds $BERTH_ARTIFACTS imported manifests, $BERTH_BLOBS blobs, $DATA_BYTES bytes of data" >&2

# ---------------------------------------------------------------- spot check through the registry API

log "starting Berth on the imported data: sample images answer with Harbor's digests"
start_berth || exit 1
CHECKED=0
for r in 0 $((REPOSITORIES / 2)) $((REPOSITORIES - 1)); do
  repo=$(printf 'team-%02d/app-%04d' $((r % 10)) "$r")
  want=$(pg -d "$HARBOR_DB" -c "select a.digest from artifact a join tag t on t.artifact_id = a.id where a.repository_name = '$repo' and t.name = 'v0'")
  got=$(curl -sS -I -u "$AUTH" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$URL/v2/$repo/manifests/v0" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }')
  [[ "$got" == "$want" ]] || { warn "$repo:v0 is $got in Berth, $want in Harbor"; exit 1; }
  CHECKED=$((CHECKED + 1))
done
echo "   $CHECKED images answer with their Harbor digests" >&2
stop_berth

read -r W1 U1 S1 R1 <"$WORK/time-first.txt"
read -r W2 U2 S2 R2 <"$WORK/time-second.txt"
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
jq -n --argjson artifacts "$ARTIFACTS" --argjson repositories "$REPOSITORIES" --argjson storage "$STORAGE_BYTES" \
  --argjson data "$DATA_BYTES" --argjson w1 "$W1" --argjson c1 "$(awk -v u="$U1" -v s="$S1" 'BEGIN { print u + s }')" \
  --argjson rss1 "$R1" --argjson w2 "$W2" --argjson c2 "$(awk -v u="$U2" -v s="$S2" 'BEGIN { print u + s }')" \
  --arg blobs "$(grep -i 'blobs' "$WORK/import-first.txt" | head -1 | sed 's/^ *//')" \
  --arg load_before "$LOAD_BEFORE" --arg load_after "$LOAD_AFTER" \
  '{artifacts: $artifacts, repositories: $repositories, harbor_storage_bytes: $storage, berth_data_bytes: $data,
    first_run: {wall_seconds: $w1, cpu_seconds: $c1, peak_rss_kib: $rss1, blobs: $blobs},
    second_run: {wall_seconds: $w2, cpu_seconds: $c2},
    load_before: $load_before, load_after: $load_after}'
