#!/usr/bin/env bash
# Re-matching stored SBOMs after the OSV database changed (issue 14): SBOM_ARTIFACTS artifacts
# (10,000) seeded straight into PostgreSQL, each with a stored CycloneDX SBOM report
# (SBOM_DEB_PACKAGES, 150, of this machine's Debian packages plus Maven and npm ones, log4j-core
# 2.14.1 and lodash 4.17.20 among them) and a built-in vulnerability report. Measures the indexing
# of the SBOMs at start and the re-matching of every artifact when the Maven and npm archives are
# imported (each concerns every artifact), in seconds and CPU seconds (Berth's, and the whole
# machine's busy time, which includes PostgreSQL's share and anything else running).
# Goal: re-matching 10,000 SBOMs under 60 s on 2 cores.
# Usage: bench/sbom-rematch.sh [--artifacts N] [--no-build] [--keep]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

ARTIFACTS=${SBOM_ARTIFACTS:-10000}
DEB_PACKAGES=${SBOM_DEB_PACKAGES:-150}  # Debian packages per SBOM (a slim Debian image has about 100-150)
PER_REPO=100
bench_berth_settings
RECORDS="$ROOT/berth-server/src/test/resources/osv/records"
PROJECT=sb
BUILD=true
KEEP=false

while [[ $# -gt 0 ]]; do
  case "$1" in
    --artifacts) ARTIFACTS=$2; shift 2 ;;
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# busy_cpu: CPU seconds the whole machine has spent busy (not idle or waiting), all processes:
# Berth plus PostgreSQL, which does a large part of the re-match's work
busy_cpu() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8) / hz }' /proc/stat; }

WORK=$(mktemp -d /tmp/berth-sbombench.XXXXXX)
DATA="$WORK/data"
PID=""
DB=""
cleanup() {
  local status=$?
  stop_berth
  if [[ -n "$DB" ]] && ! $KEEP; then
    pg -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || warn "could not drop database $DB"
  fi
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$LOAD_BEFORE" 'BEGIN { exit !(l > 0.5) }' &&
  warn "load average is $LOAD_BEFORE before starting: other work on this machine will make the figures noisy"
if $BUILD || [[ ! -f "$BERTH_JAR" ]]; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
fi

OSV_ARGS=(--berth.scan.osv.url= --berth.scan.osv.schedule=)
DB="berth_sbombench_$(date +%s)_$$"
pg -c "create database $DB" >/dev/null
log "starting Berth (database $DB) to create the schema"
start_berth "${OSV_ARGS[@]}" || exit 1
api POST /api/v2.0/projects "{\"project_name\":\"$PROJECT\"}" >/dev/null
PROJECT_ID=$(sql "select id from project where name = '$PROJECT'")
stop_berth

# ---------------------------------------------------------------- seed

# The SBOM every artifact has: this machine's Debian packages, some Maven and npm packages.
python3 - "$WORK/sbom.json" "$DEB_PACKAGES" <<'PY'
import json, subprocess, sys
out = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Version}\t${source:Package}\n"],
                     capture_output=True, text=True, check=True).stdout
components = []
for line in out.splitlines()[:int(sys.argv[2])]:
    name, version, source = line.split("\t")
    purl = f"pkg:deb/debian/{name}@{version.replace('+', '%2B')}?arch=amd64&distro=debian-12"
    if source and source != name:
        purl += f"&upstream={source}"
    components.append({"type": "library", "name": name, "version": version, "purl": purl})
maven = [("org.apache.logging.log4j", "log4j-core", "2.14.1"), ("org.apache.logging.log4j", "log4j-api", "2.14.1"),
         ("com.fasterxml.jackson.core", "jackson-databind", "2.13.0"), ("org.springframework", "spring-core", "5.3.20"),
         ("com.google.guava", "guava", "31.1-jre"), ("org.yaml", "snakeyaml", "1.30")]
for g, a, v in maven:
    components.append({"type": "library", "group": g, "name": a, "version": v, "purl": f"pkg:maven/{g}/{a}@{v}"})
for n, v in [("lodash", "4.17.20"), ("express", "4.17.1"), ("minimist", "1.2.5")]:
    components.append({"type": "library", "name": n, "version": v, "purl": f"pkg:npm/{n}@{v}"})
report = {"generated_at": "2026-12-07T00:00:00Z", "media_type": "application/vnd.cyclonedx+json",
          "scanner": {"name": "bench", "vendor": "bench", "version": "1"},
          "sbom": {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": components}}
json.dump(report, open(sys.argv[1], "w"))
print(len(components), file=sys.stderr)
PY
PACKAGES=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["sbom"]["components"]))' "$WORK/sbom.json")
log "seeding $ARTIFACTS artifacts, each with an SBOM of $PACKAGES packages and a built-in report"
T0=$(now)
REPOS=$(((ARTIFACTS + PER_REPO - 1) / PER_REPO))
cat >"$WORK/seed.sql" <<SEED
begin;
insert into repository (name, project_id, created_at, updated_at)
  select '$PROJECT/app-' || lpad(g::text, 4, '0'), $PROJECT_ID, now(), now() from generate_series(0, $REPOS - 1) g;
create temp table repo as
  select row_number() over (order by id) - 1 as ord, id from repository where project_id = $PROJECT_ID;
create temp table staged as
  select i, i % $REPOS as ord, 'sha256:' || encode(sha256(('sbombench-config-' || i)::bytea), 'hex') as config_digest
  from generate_series(0, $ARTIFACTS - 1) i;
alter table staged add column content bytea;
update staged set content = convert_to(json_build_object(
    'schemaVersion', 2, 'mediaType', 'application/vnd.oci.image.manifest.v1+json',
    'config', json_build_object('mediaType', 'application/vnd.berth.sbombench.config.v1+json', 'digest', config_digest, 'size', 200),
    'layers', json_build_array())::text, 'UTF8');
insert into blob (digest, size) select config_digest, 200 from staged;
insert into manifest (repository_id, digest, media_type, config_media_type, config_digest, size, content, created_at)
  select r.id, 'sha256:' || encode(sha256(s.content), 'hex'), 'application/vnd.oci.image.manifest.v1+json',
         'application/vnd.berth.sbombench.config.v1+json', s.config_digest, length(s.content), s.content, now()
  from staged s join repo r using (ord);
create temp table sbom (report jsonb);
\set content \`cat $WORK/sbom.json\`
insert into sbom values (:'content'::jsonb);
insert into scan_report (uuid, manifest_id, digest, registration_uuid, mime_type, status, scanner_name,
                         scanner_vendor, scanner_version, report, start_time, end_time)
  select gen_random_uuid()::text, m.id, m.digest, 'bench-sbom', 'application/vnd.security.sbom.report+json; version=1.0',
         'Success', 'bench', 'bench', '1', (select report from sbom), now(), now()
  from manifest m join repository r on r.id = m.repository_id where r.project_id = $PROJECT_ID;
insert into scan_report (uuid, manifest_id, digest, registration_uuid, mime_type, status, scanner_name,
                         scanner_vendor, scanner_version, report, start_time, end_time)
  select gen_random_uuid()::text, m.id, m.digest, 'bench-builtin', 'application/vnd.security.vulnerability.report; version=1.1',
         'Success', 'Berth', 'Berth', 'osv-1', '{"vulnerabilities":[]}'::jsonb, now(), now()
  from manifest m join repository r on r.id = m.repository_id where r.project_id = $PROJECT_ID;
commit;
vacuum analyze;
SEED
pg -d "$DB" -f "$WORK/seed.sql"
echo "   seeded in $(elapsed "$T0" "$(now)") s" >&2

# ---------------------------------------------------------------- index at start

log "starting Berth: it indexes the stored SBOMs"
T0=$(now)
start_berth "${OSV_ARGS[@]}" || exit 1
until [[ $(sql "select count(*) from sbom_indexed") -ge $ARTIFACTS ]]; do
  kill -0 "$PID" || { warn "Berth exited"; exit 1; }
  sleep 1
done
INDEX_SECONDS=$(elapsed "$T0" "$(now)")
ROWS=$(sql "select count(*) from sbom_package")
echo "   indexed $ARTIFACTS SBOMs ($ROWS package rows) ${INDEX_SECONDS} s after start" >&2

# ---------------------------------------------------------------- re-match

zip_archive() { # FOLDER OUT
  python3 -c '
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for f in sorted(os.listdir(sys.argv[1])):
        z.write(os.path.join(sys.argv[1], f), f)' "$1" "$2"
}
RSS_BEFORE=$(ps -o rss= -p "$PID" | tr -d ' ')
# The import answers once the database is loaded; the re-match is the SBOM_REMATCH job it queues.
# Each round waits for that job (a new execution id in /vulnerability-database's `rematch`) to end.
rematch_state() { api GET /api/v2.0/vulnerability-database | jq -r '.rematch // {} | "\(.execution_id // 0) \(.status // "") \(.end_time // "")"'; }
REMATCH_SECONDS=()
REMATCH_CPU=()
for eco in Maven npm; do
  zip_archive "$RECORDS/$eco" "$WORK/$eco.zip"
  read -r BEFORE_ID _ _ < <(rematch_state)
  log "importing the $eco archive: every artifact is re-matched"
  T0=$(now)
  C0=$(proc_cpu "$PID")
  M0=$(busy_cpu)
  curl -sS --fail-with-body --max-time 3600 -u "$AUTH" -X PUT -H 'Content-Type: application/zip' \
    --data-binary "@$WORK/$eco.zip" "$URL/api/v2.0/vulnerability-database/archives/$eco" >/dev/null
  T1=$(now)
  echo "   import of $eco answered: $(elapsed "$T0" "$T1") s" >&2
  while :; do
    read -r ID STATUS END < <(rematch_state)
    if [[ "$ID" != "$BEFORE_ID" && -n "$END" ]]; then break; fi
    kill -0 "$PID" || { warn "Berth exited"; exit 1; }
    sleep 0.5
  done
  [[ "$STATUS" == Success ]] || warn "re-match execution $ID ended $STATUS"
  SECONDS_TOTAL=$(elapsed "$T0" "$(now)")
  BERTH_CPU=$(elapsed "$C0" "$(proc_cpu "$PID")")
  MACHINE_CPU=$(elapsed "$M0" "$(busy_cpu)")
  REMATCH_SECONDS+=("$SECONDS_TOTAL")
  REMATCH_CPU+=("$BERTH_CPU/$MACHINE_CPU")
  echo "   import + re-match of $eco (execution $ID, $STATUS): $SECONDS_TOTAL s;" \
    "CPU: Berth $BERTH_CPU s, whole machine $MACHINE_CPU s" >&2
done
RSS_AFTER=$(ps -o rss= -p "$PID" | tr -d ' ')
grep 'event=sbom_rematch' "$WORK/berth.log" | sed 's/^.*event=/   event=/' >&2
CRITICAL=$(sql "select count(*) from scan_report where registration_uuid = 'bench-builtin' and severity = 'Critical'")
echo "   built-in reports now Critical: $CRITICAL of $ARTIFACTS" >&2
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
jq -n --argjson artifacts "$ARTIFACTS" --argjson packages "$PACKAGES" --argjson index "$INDEX_SECONDS" \
  --arg rematch "$(IFS=,; echo "${REMATCH_SECONDS[*]}")" --arg cpu "$(IFS=,; echo "${REMATCH_CPU[*]}")" \
  --argjson critical "$CRITICAL" --argjson rss_before "$RSS_BEFORE" --argjson rss_after "$RSS_AFTER" \
  --arg load_before "$LOAD_BEFORE" --arg load_after "$LOAD_AFTER" \
  '{artifacts: $artifacts, packages_per_sbom: $packages, index_seconds: $index, import_and_rematch_seconds: $rematch,
    import_and_rematch_cpu_seconds_berth_over_machine: $cpu,
    critical_reports: $critical, rss_kib_before: $rss_before, rss_kib_after: $rss_after,
    load_before: $load_before, load_after: $load_after}'
