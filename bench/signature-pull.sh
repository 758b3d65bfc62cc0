#!/usr/bin/env bash
# Manifest GET with a trust policy in enforce mode vs off, same Berth, same run (issue 15: goal
# enforcement at most 5 % slower, since verification is not on the pull path — a pull reads the
# policy row and one result row, both cached briefly). One image bench/app:v1 signed in cosign's
# tag scheme with an ECDSA P-256 key made here with openssl; the key is trusted by the project.
# Rounds alternate off / enforce (ab, keep-alive, CONNECTIONS connections, admin's basic auth);
# before each enforce round the script waits until the artifact is verified under the new policy
# version, and checks that an unsigned image is refused with 412 (so enforcement is really on).
# Per round also Berth's CPU ms and SQL statements per GET (statements when the PostgreSQL has
# pg_stat_statements; BENCH_PG_PORT), which do not depend on how loaded the machine is.
#
# Usage: bench/signature-pull.sh [--no-build] [--keep]
# Env: SP_ROUNDS (3 per mode), SP_SECONDS (10 per round), SP_CONNECTIONS (8), BENCH_BERTH_JAR,
#      BERTH_JAVA_OPTS, BENCH_PG_PORT. Needs ab, openssl, jq, curl and PostgreSQL on 127.0.0.1.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
. "$BENCH_DIR/lib.sh"
bench_java
bench_berth_settings

ROUNDS=${SP_ROUNDS:-3}
SECONDS_PER_ROUND=${SP_SECONDS:-10}
CONNECTIONS=${SP_CONNECTIONS:-8}
bench_one_berth_args 2,14 "$@"

bench_one_berth_workdir sigpull

bench_one_berth_build

pg -c "create database $DB" >/dev/null
log "starting Berth"
start_berth
api POST /api/v2.0/projects '{"project_name":"bench","public":false}' >/dev/null

# push_image REPO TAG: a one-layer image, prints its digest
push_image() {
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"x":"%s"}' "$1:$2" >"$WORK/config"
  head -c 4096 /dev/urandom >"$WORK/layer"
  local c l
  c=$(push_blob "$1" "$WORK/config")
  l=$(push_blob "$1" "$WORK/layer")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":4096}]}' \
    "$c" "$(stat -c %s "$WORK/config")" "$l" >"$WORK/manifest-$2"
  push_manifest "$1" "$2" "$WORK/manifest-$2"
}

log "pushing bench/app:v1 and bench/app:unsigned, signing v1 with a P-256 key (cosign tag scheme)"
DIGEST=$(push_image bench/app v1)
push_image bench/app unsigned >/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/cosign.key"
openssl ec -in "$WORK/cosign.key" -pubout -out "$WORK/cosign.pub" 2>/dev/null
printf '{"critical":{"identity":{"docker-reference":"127.0.0.1/bench/app"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
  "$DIGEST" >"$WORK/payload"
SIG=$(openssl dgst -sha256 -sign "$WORK/cosign.key" "$WORK/payload" | base64 -w0)
PAYLOAD=$(push_blob bench/app "$WORK/payload")
printf '{}' >"$WORK/empty"
EMPTY=$(push_blob bench/app "$WORK/empty")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":2},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"%s","size":%d,"annotations":{"dev.cosignproject.cosign/signature":"%s"}}]}' \
  "$EMPTY" "$PAYLOAD" "$(stat -c %s "$WORK/payload")" "$SIG" >"$WORK/sig-manifest"
push_manifest bench/app "sha256-${DIGEST#sha256:}.sig" "$WORK/sig-manifest" >/dev/null
api POST /api/v2.0/projects/bench/trust-policy/keys "$(jq -n --rawfile k "$WORK/cosign.pub" '{name:"release",public_key:$k}')" >/dev/null

# policy MODE: sets the mode and waits until v1 is verified under the new version
policy() {
  api PUT /api/v2.0/projects/bench/trust-policy "{\"mode\":\"$1\",\"kinds\":[\"cosign\"]}" >/dev/null
  local status
  for _ in $(seq 1 300); do
    status=$(api GET "/api/v2.0/projects/bench/repositories/app/artifacts/v1/verification" | jq -r .status)
    [[ $status == verified ]] && break
    sleep 0.2
  done
  [[ $status == verified ]] || { warn "v1 not verified under mode $1 (status $status)"; return 1; }
  local unsigned
  unsigned=$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$URL/v2/bench/app/manifests/unsigned")
  if [[ $1 == enforce && $unsigned != 412 ]] || [[ $1 == off && $unsigned != 200 ]]; then
    warn "mode $1: the unsigned image answered $unsigned"
    return 1
  fi
}

# measure: one ab round of manifest GET of v1; prints "req/s p50_ms p99_ms non2xx cpu_ms_per_get
# statements_per_get" (statements "-" without pg_stat_statements; pull records, written in batches,
# land within the 2 s after the round and are counted)
measure() {
  local cpu0 cpu1 out statements=-
  [[ -z $DBOID ]] || pg -c "select pg_stat_statements_reset(0, $DBOID, 0)" >/dev/null
  cpu0=$(proc_cpu "$PID")
  out=$(timeout -k 5 $((SECONDS_PER_ROUND + 60)) ab -q -k -c "$CONNECTIONS" -t "$SECONDS_PER_ROUND" -n 100000000 \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H "Authorization: Basic $(printf '%s' "$AUTH" | base64)" \
    "$URL/v2/bench/app/manifests/v1" 2>&1 | awk '
      /^Complete requests:/ { n = $3 }
      /^Requests per second:/ { rps = $4 }
      /^Non-2xx responses:/ { non2xx = $3 }
      /^  50%/ { p50 = $2 }
      /^  99%/ { p99 = $2 }
      END { printf "%s %s %s %s %s\n", rps, p50, p99, non2xx + 0, n + 0 }')
  sleep 2
  cpu1=$(proc_cpu "$PID")
  local n=${out##* }
  [[ -z $DBOID ]] || statements=$(pg -c "select coalesce(sum(calls), 0) from pg_stat_statements
    where dbid = $DBOID and toplevel and query <> 'BEGIN'")
  awk -v o="${out% *}" -v n="$n" -v c0="$cpu0" -v c1="$cpu1" -v s="$statements" 'BEGIN {
    printf "%s %.3f %s\n", o, (c1 - c0) * 1000 / (n > 0 ? n : 1), s == "-" ? "-" : sprintf("%.3f", s / (n > 0 ? n : 1)) }'
}

DBOID=""
if require_pg_stat_statements 2>/dev/null; then
  DBOID=$(pg -c "select oid from pg_database where datname = '$DB'")
else
  warn "no pg_stat_statements on port $PG_PORT: statements per GET not counted"
fi
log "warm-up (mode off, 2 rounds)"
policy off
measure >/dev/null
measure >/dev/null
echo "cores: $(nproc)  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-6s %10s %7s %7s %7s %8s %11s\n' mode round req/s p50_ms p99_ms non2xx cpu_ms statements
declare -A SUM CPU
for r in $(seq 1 "$ROUNDS"); do
  for mode in off enforce; do
    policy "$mode"
    read -r rps p50 p99 non2xx cpu statements < <(measure)
    printf '%-8s %-6s %10s %7s %7s %7s %8s %11s\n' "$mode" "$r" "$rps" "$p50" "$p99" "$non2xx" "$cpu" "$statements"
    [[ $non2xx == 0 ]] || warn "$mode round $r: $non2xx non-2xx answers"
    SUM[$mode]=$(awk -v a="${SUM[$mode]:-0}" -v b="$rps" 'BEGIN { print a + b }')
    CPU[$mode]=$(awk -v a="${CPU[$mode]:-0}" -v b="$cpu" 'BEGIN { print a + b }')
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v off="${SUM[off]}" -v on="${SUM[enforce]}" -v coff="${CPU[off]}" -v con="${CPU[enforce]}" -v n="$ROUNDS" 'BEGIN {
  printf "mean req/s: off %.1f, enforce %.1f; enforce/off = %.3f (goal >= 0.95)\n", off / n, on / n, on / off
  printf "Berth CPU ms per GET: off %.3f, enforce %.3f; enforce/off = %.3f\n", coff / n, con / n, con / coff }'
