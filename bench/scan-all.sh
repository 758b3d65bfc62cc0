#!/usr/bin/env bash
# Scan all with the built-in scanner (issue 14): throughput in artifacts per minute and Berth's
# memory (RSS) sampled every second while it runs (goal: flat). SA_ARTIFACTS (200) images are
# pushed, each of two layers made here from this machine: a shared one with /etc/os-release and
# the first SA_PACKAGES (150) stanzas of /var/lib/dpkg/status, and one of its own with SA_JARS (3)
# jars of the local Maven repository (~/.m2), a different set per image. The OSV database is the
# test records in berth-server/src/test/resources/osv/records. Scan all is started as Harbor's
# portal does (POST /system/scanAll/schedule, type Manual) and followed through /scans/all/metrics.
#
# Usage: bench/scan-all.sh [--no-build] [--keep]
# Env: SA_ARTIFACTS, SA_PACKAGES, SA_JARS, BENCH_BERTH_JAR, BERTH_JAVA_OPTS, BENCH_PG_PORT.
#      Needs jq, curl, tar and PostgreSQL on 127.0.0.1.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
. "$BENCH_DIR/lib.sh"
bench_java
bench_berth_settings

ARTIFACTS=${SA_ARTIFACTS:-200}
PACKAGES=${SA_PACKAGES:-150}
JARS=${SA_JARS:-3}
RECORDS="$ROOT/berth-server/src/test/resources/osv/records"
bench_one_berth_args 2,12 "$@"

bench_one_berth_workdir scanall

bench_one_berth_build

mkdir -p "$WORK/os/etc" "$WORK/os/var/lib/dpkg"
cp /etc/os-release "$WORK/os/etc/os-release"
awk -v n="$PACKAGES" 'BEGIN { RS = ""; ORS = "\n\n" } NR <= n' /var/lib/dpkg/status >"$WORK/os/var/lib/dpkg/status"
tar -C "$WORK/os" -czf "$WORK/os.tar.gz" etc var
find "$HOME/.m2/repository" -name '*.jar' -size -512k -not -name '*-sources.jar' | sort >"$WORK/jars"
[[ $(wc -l <"$WORK/jars") -ge $JARS ]] || { warn "fewer than $JARS jars in ~/.m2"; exit 1; }

pg -c "create database $DB" >/dev/null
log "starting Berth"
start_berth --berth.scan.osv.url= --berth.scan.osv.schedule=
api POST /api/v2.0/projects '{"project_name":"bench","public":false}' >/dev/null
for eco in Debian Maven; do osv_import "$eco" "$RECORDS/$eco"; done

log "pushing $ARTIFACTS images"
T0=$(now)
TOTAL_JARS=$(wc -l <"$WORK/jars")
for i in $(seq 0 $((ARTIFACTS - 1))); do
  rm -rf "$WORK/app" && mkdir -p "$WORK/app/app/lib"
  for j in $(seq 0 $((JARS - 1))); do
    cp "$(sed -n "$(((i * JARS + j) % TOTAL_JARS + 1))p" "$WORK/jars")" "$WORK/app/app/lib/"
  done
  echo "$i" >"$WORK/app/app/id"
  tar -C "$WORK/app" -czf "$WORK/app.tar.gz" app
  push_layers "bench/app-$((i % 20))" "v$i" "$WORK/os.tar.gz" "$WORK/app.tar.gz" >/dev/null
done
echo "   pushed in $(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s" >&2

echo "cores: $(nproc)  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
RSS_START=$(ps -o rss= -p "$PID" | tr -d ' ')
C0=$(proc_cpu "$PID")
T0=$(now)
api POST /api/v2.0/system/scanAll/schedule '{"schedule":{"type":"Manual"}}' >/dev/null
: >"$WORK/rss"
while :; do
  METRICS=$(api GET /api/v2.0/scans/all/metrics)
  ps -o rss= -p "$PID" | tr -d ' ' >>"$WORK/rss"
  COMPLETED=$(jq -r '.completed // 0' <<<"$METRICS")
  ONGOING=$(jq -r '.ongoing // false' <<<"$METRICS")
  [[ $ONGOING == false && $COMPLETED -ge $ARTIFACTS ]] && break
  kill -0 "$PID" || { warn "Berth exited"; exit 1; }
  sleep 1
done
ELAPSED=$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
CPU=$(awk -v a="$C0" -v b="$(proc_cpu "$PID")" 'BEGIN { printf "%.1f", b - a }')
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "scan all of $ARTIFACTS artifacts: $ELAPSED s, $(awk -v n="$ARTIFACTS" -v s="$ELAPSED" 'BEGIN { printf "%.0f", n * 60 / s }') artifacts/minute;" \
  "Berth CPU $CPU s ($(awk -v n="$ARTIFACTS" -v c="$CPU" 'BEGIN { printf "%.0f", c * 1000 / n }') ms per artifact)"
echo "outcome: $(jq -c '.metrics // {}' <<<"$METRICS")"
awk -v start="$RSS_START" '{ if (NR == 1 || $1 > max) max = $1; if (NR == 1 || $1 < min) min = $1; n++; last = $1 }
  END { printf "Berth RSS (MiB): before %.0f, during min %.0f / max %.0f, at the end %.0f (%d samples)\n",
        start / 1024, min / 1024, max / 1024, last / 1024, n }' "$WORK/rss"
