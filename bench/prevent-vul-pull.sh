#!/usr/bin/env bash
# Manifest GET with the project's vulnerability prevention (`prevent_vul`, severity high) on vs
# off, same Berth, same run (issue 14: goal prevention at most 5 % slower). One image bench/app:v1
# scanned by the built-in scanner (no packages, so no vulnerability: its pulls are allowed either
# way) and one never scanned, bench/app:unscanned, which prevention refuses with 412 as Harbor
# does: before each round the script checks that answer, so prevention is really on (or off).
# Rounds alternate off / on (ab, keep-alive, CONNECTIONS connections, admin's basic auth; admins
# obey prevention too).
#
# Usage: bench/prevent-vul-pull.sh [--no-build] [--keep]
# Env: PV_ROUNDS (3 per mode), PV_SECONDS (10 per round), PV_CONNECTIONS (8), BENCH_BERTH_JAR,
#      BERTH_JAVA_OPTS, BENCH_PG_PORT. Needs ab, jq, curl and PostgreSQL on 127.0.0.1.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
. "$BENCH_DIR/lib.sh"
bench_java
bench_berth_settings

ROUNDS=${PV_ROUNDS:-3}
SECONDS_PER_ROUND=${PV_SECONDS:-10}
CONNECTIONS=${PV_CONNECTIONS:-8}
bench_one_berth_args 2,12 "$@"

bench_one_berth_workdir pvpull

bench_one_berth_build

pg -c "create database $DB" >/dev/null
log "starting Berth"
start_berth --berth.scan.osv.url= --berth.scan.osv.schedule=
api POST /api/v2.0/projects '{"project_name":"bench","public":false}' >/dev/null

# one layer, a tiny Debian-like file system with no package database: nothing to match
mkdir -p "$WORK/rootfs/etc"
printf 'ID=debian\nVERSION_ID="12"\n' >"$WORK/rootfs/etc/os-release"
tar -C "$WORK/rootfs" -czf "$WORK/layer.tar.gz" etc

log "pushing bench/app:v1 and bench/app:unscanned, scanning v1 with the built-in scanner"
push_layers bench/app v1 "$WORK/layer.tar.gz" >/dev/null
push_layers bench/app unscanned "$WORK/layer.tar.gz" >/dev/null
ART=/api/v2.0/projects/bench/repositories/app/artifacts
api POST "$ART/v1/scan" '{"scan_type":"vulnerability"}' >/dev/null
for _ in $(seq 1 600); do
  STATUS=$(scan_status "$ART/v1")
  [[ $STATUS == Success || $STATUS == Error ]] && break
  sleep 0.2
done
[[ $STATUS == Success ]] || { warn "the scan of v1 ended '$STATUS'"; exit 1; }

# prevention MODE (on|off): sets the project's prevent_vul and checks the unscanned image's answer
prevention() {
  local flag=false
  [[ $1 == on ]] && flag=true
  api PUT /api/v2.0/projects/bench "{\"metadata\":{\"prevent_vul\":\"$flag\",\"severity\":\"high\"}}" >/dev/null
  local code want=200
  [[ $1 == on ]] && want=412
  for _ in $(seq 1 50); do # the project settings cache may answer the old value for a moment
    code=$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$URL/v2/bench/app/manifests/unscanned")
    [[ $code == "$want" ]] && break
    sleep 0.2
  done
  [[ $code == "$want" ]] || { warn "prevention $1: the unscanned image answered $code, not $want"; return 1; }
}

# measure: one ab round of manifest GET of v1; prints "req/s p50_ms p99_ms non2xx"
measure() {
  timeout -k 5 $((SECONDS_PER_ROUND + 60)) ab -q -k -c "$CONNECTIONS" -t "$SECONDS_PER_ROUND" -n 100000000 \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H "Authorization: Basic $(printf '%s' "$AUTH" | base64)" \
    "$URL/v2/bench/app/manifests/v1" 2>&1 | awk '
      /^Requests per second:/ { rps = $4 }
      /^Non-2xx responses:/ { non2xx = $3 }
      /^  50%/ { p50 = $2 }
      /^  99%/ { p99 = $2 }
      END { printf "%s %s %s %s\n", rps, p50, p99, non2xx + 0 }'
}

log "warm-up (prevention off, 2 rounds)"
prevention off
measure >/dev/null
measure >/dev/null
echo "cores: $(nproc)  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-6s %10s %7s %7s %7s\n' mode round req/s p50_ms p99_ms non2xx
declare -A SUM
for r in $(seq 1 "$ROUNDS"); do
  for mode in off on; do
    prevention "$mode"
    read -r rps p50 p99 non2xx < <(measure)
    printf '%-8s %-6s %10s %7s %7s %7s\n' "$mode" "$r" "$rps" "$p50" "$p99" "$non2xx"
    [[ $non2xx == 0 ]] || warn "$mode round $r: $non2xx non-2xx answers"
    SUM[$mode]=$(awk -v a="${SUM[$mode]:-0}" -v b="$rps" 'BEGIN { print a + b }')
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v off="${SUM[off]}" -v on="${SUM[on]}" -v n="$ROUNDS" 'BEGIN {
  printf "mean req/s: off %.1f, on %.1f; on/off = %.3f (goal >= 0.95)\n", off / n, on / n, on / off }'
