#!/usr/bin/env bash
# Built-in scan of a Debian-based image (issue 14): seconds from the scan request to the stored
# report, and Berth's CPU seconds for it. The image is made here from this machine: one layer with
# /etc/os-release and the first BS_PACKAGES (300) stanzas of /var/lib/dpkg/status, one with
# BS_JARS (300) jars from the local Maven repository (~/.m2) under app/lib/. The OSV database is
# the test records kept in berth-server/src/test/resources/osv/records (a few advisories: the
# matching of a full OSV archive costs more per package and is not measured here). The same
# artifact is scanned BS_ROUNDS (3) times; the first round includes the JIT's warm-up.
#
# Usage: bench/builtin-scan.sh [--no-build] [--keep]
# Env: BS_PACKAGES, BS_JARS, BS_ROUNDS, BENCH_BERTH_JAR, BERTH_JAVA_OPTS, BENCH_PG_PORT.
#      Needs jq, curl, tar and PostgreSQL on 127.0.0.1.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
. "$BENCH_DIR/lib.sh"
bench_java
bench_berth_settings

PACKAGES=${BS_PACKAGES:-300}
JARS=${BS_JARS:-300}
ROUNDS=${BS_ROUNDS:-3}
RECORDS="$ROOT/berth-server/src/test/resources/osv/records"
bench_one_berth_args 2,12 "$@"

bench_one_berth_workdir bscan

bench_one_berth_build

log "making the image: $PACKAGES dpkg packages, $JARS jars"
mkdir -p "$WORK/os/etc" "$WORK/os/var/lib/dpkg" "$WORK/app/app/lib"
cp /etc/os-release "$WORK/os/etc/os-release"
awk -v n="$PACKAGES" 'BEGIN { RS = ""; ORS = "\n\n" } NR <= n' /var/lib/dpkg/status >"$WORK/os/var/lib/dpkg/status"
find "$HOME/.m2/repository" -name '*.jar' -size -2M -not -name '*-sources.jar' | sort >"$WORK/jars"
head -n "$JARS" "$WORK/jars" | while read -r jar; do cp "$jar" "$WORK/app/app/lib/"; done
tar -C "$WORK/os" -czf "$WORK/os.tar.gz" etc var
tar -C "$WORK/app" -czf "$WORK/app.tar.gz" app
echo "   $(grep -c '^Package:' "$WORK/os/var/lib/dpkg/status") packages, $(find "$WORK/app/app/lib" -name '*.jar' | wc -l) jars;" \
  "layers $(du -k "$WORK/os.tar.gz" | cut -f1) KiB and $(du -k "$WORK/app.tar.gz" | cut -f1) KiB" >&2

pg -c "create database $DB" >/dev/null
log "starting Berth"
start_berth --berth.scan.osv.url= --berth.scan.osv.schedule=
api POST /api/v2.0/projects '{"project_name":"bench","public":false}' >/dev/null
for eco in Debian Maven; do osv_import "$eco" "$RECORDS/$eco"; done
DIGEST=$(push_layers bench/app v1 "$WORK/os.tar.gz" "$WORK/app.tar.gz")
ART="/api/v2.0/projects/bench/repositories/app/artifacts/$DIGEST"

echo "cores: $(nproc)  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %9s %9s %9s %9s\n' round seconds berth_cpu packages vulns
for r in $(seq 1 "$ROUNDS"); do
  BEFORE=$(api GET "$ART?with_scan_overview=true" | jq -r '[.scan_overview // {} | .[] | .report_id][0] // ""')
  C0=$(proc_cpu "$PID")
  T0=$(now)
  api POST "$ART/scan" '{"scan_type":"vulnerability"}' >/dev/null
  while :; do
    OVERVIEW=$(api GET "$ART?with_scan_overview=true" | jq -c '[.scan_overview // {} | .[]][0] // {}')
    STATUS=$(jq -r '.scan_status // ""' <<<"$OVERVIEW")
    ID=$(jq -r '.report_id // ""' <<<"$OVERVIEW")
    [[ $ID != "$BEFORE" && ( $STATUS == Success || $STATUS == Error ) ]] && break
    kill -0 "$PID" || { warn "Berth exited"; exit 1; }
    sleep 0.1
  done
  SECONDS_TAKEN=$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
  CPU=$(awk -v a="$C0" -v b="$(proc_cpu "$PID")" 'BEGIN { printf "%.2f", b - a }')
  [[ $STATUS == Success ]] || { warn "round $r: the scan ended $STATUS"; exit 1; }
  MANIFEST_ID=$(sql "select id from manifest where digest = '$DIGEST'")
  PKGS=$(sql "select count(*) from sbom_package where manifest_id = $MANIFEST_ID and report_uuid is null")
  VULNS=$(jq -r '.summary.total // 0' <<<"$OVERVIEW")
  printf '%-6s %9s %9s %9s %9s\n' "$r" "$SECONDS_TAKEN" "$CPU" "$PKGS" "$VULNS"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
