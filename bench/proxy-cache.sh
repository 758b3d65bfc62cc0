#!/usr/bin/env bash
# Proxy cache (issue 17): Debian's docker-registry as the upstream, Berth with a proxy-cache project
# of it and a normal project holding the same image. Pulls with skopeo (every blob's digest
# verified by skopeo) into a fresh directory each time, and reports wall times:
#   first    — after one warm-up miss of another image (JIT, pools, the first token: not what a
#              pull costs), PC_FIRST_ROUNDS rounds of one direct pull (straight from the upstream)
#              and one uncached pull through Berth, each of a fresh image, the order alternating,
#              both anonymous (the proxy project is public);
#              medians, and per Berth pull the work that does not depend on load: the upstream's
#              requests for the image, Berth's CPU seconds and the bytes Berth wrote (write(2)
#              calls, and what reached the block layer net of what a truncate cancelled; pull and
#              background store, 1 s)
#   ttfb     — time to the answer's headers and to its first body byte (bench/ttfb.py), direct
#              and through Berth with a registry token, over PC_TTFB_ROUNDS fresh images: a blob
#              alone, and a client's order (the manifest, then its first layer); medians
#   cached   — through Berth again (median of PC_ROUNDS)
#   normal   — the same image pushed to a normal Berth project (median of PC_ROUNDS)
#   stampede — PC_CLIENTS concurrent uncached pulls of another image: wall time, and the blob GETs
#              the upstream logged (one copy = one GET per blob), against one uncached pull alone
# Usage: bench/proxy-cache.sh [--no-build] [--keep] [--first-only]   (sizes: PC_LAYERS × PC_LAYER_MIB MiB)
#   --first-only: only the first pulls (e.g. under a profiler: BERTH_JAVA_OPTS=-XX:StartFlightRecording=…)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

LAYERS=${PC_LAYERS:-4}
LAYER_MIB=${PC_LAYER_MIB:-16}
ROUNDS=${PC_ROUNDS:-3}
FIRST_ROUNDS=${PC_FIRST_ROUNDS:-5}
CLIENTS=${PC_CLIENTS:-10}
TTFB_ROUNDS=${PC_TTFB_ROUNDS:-5}
bench_berth_settings
BUILD=true
KEEP=false
FIRST_ONLY=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    --first-only) FIRST_ONLY=true; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/berth-pcbench.XXXXXX)
DATA="$WORK/data"
PID=""
DB=""
UPID=""
cleanup() {
  local status=$?
  stop_berth
  [[ -n "$UPID" ]] && kill "$UPID" 2>/dev/null || true
  if [[ -n "$DB" ]] && ! $KEEP; then pg -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true; fi
  if $KEEP; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if $BUILD || [[ ! -f "$BERTH_JAR" ]]; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
fi

log "starting the upstream (docker-registry)"
UPORT=$(free_port)
mkdir -p "$WORK/upstream"
cat >"$WORK/upstream/config.yml" <<YML
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $WORK/upstream/data
http:
  addr: 127.0.0.1:$UPORT
YML
/usr/bin/docker-registry serve "$WORK/upstream/config.yml" >"$WORK/upstream.log" 2>&1 &
UPID=$!
UPSTREAM="127.0.0.1:$UPORT"
for _ in $(seq 1 100); do curl -s -o /dev/null "http://$UPSTREAM/v2/" && break; sleep 0.1; done

# push_image REPO TAG: LAYERS random layers of LAYER_MIB MiB, OCI manifest, to the upstream
push_image() {
  local repo=$1 tag=$2 layers="" i f d size cfg
  for i in $(seq 1 "$LAYERS"); do
    f="$WORK/layer"
    head -c $((LAYER_MIB << 20)) /dev/urandom >"$f"
    d=sha256:$(sha256sum "$f" | cut -d' ' -f1)
    size=$(stat -c %s "$f")
    upload "$repo" "$f" "$d"
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$d\",\"size\":$size}"
  done
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"n":"%s"}' "$RANDOM$RANDOM" >"$WORK/config"
  cfg=sha256:$(sha256sum "$WORK/config" | cut -d' ' -f1)
  upload "$repo" "$WORK/config" "$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[%s]}' \
    "$cfg" "$(stat -c %s "$WORK/config")" "$layers" >"$WORK/manifest"
  curl -sSf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$WORK/manifest" "http://$UPSTREAM/v2/$repo/manifests/$tag" >/dev/null
}
upload() { # REPO FILE DIGEST
  local location
  location=$(curl -sS -D - -o /dev/null -X POST "http://$UPSTREAM/v2/$1/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  [[ $location == http* ]] || location="http://$UPSTREAM$location"
  curl -sSf -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$2" \
    "$location$([[ $location == *\?* ]] && echo '&' || echo '?')digest=$3" >/dev/null
}

# pull SOURCE [CREDS]: wall seconds of a skopeo copy into a new directory
pull() {
  local out start end creds=()
  out=$(mktemp -d "$WORK/pull.XXXXXX")
  [[ $# -gt 1 ]] && creds=(--src-creds "$2")
  start=$(now)
  skopeo --policy <(echo '{"default":[{"type":"insecureAcceptAnything"}]}') copy -q --preserve-digests \
    --src-tls-verify=false "${creds[@]}" "docker://$1" "dir:$out" >/dev/null
  end=$(now)
  rm -rf "$out"
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
# created METHOD PATH BODY: the id at the end of the 201's Location
created() {
  local location
  location=$(curl -sS --max-time 60 -u "$AUTH" -o /dev/null -D - -X "$1" -H 'Content-Type: application/json' \
    -d "$3" "$URL$2" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  [[ ${location##*/} =~ ^[0-9]+$ ]] || { warn "$1 $2 gave no Location ('$location')"; return 1; }
  echo "${location##*/}"
}
median() { tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

log "pushing $LAYERS × $LAYER_MIB MiB images to the upstream"
push_image bench/app v1
push_image bench/warm v1
for i in $(seq 1 "$FIRST_ROUNDS"); do push_image "bench/direct$i" v1; push_image "bench/first$i" v1; done
if ! $FIRST_ONLY; then
  push_image bench/stampede v1
  push_image bench/solo v1
  for i in $(seq 1 "$TTFB_ROUNDS"); do LAYERS=1 push_image "bench/ttfb-a$i" v1; push_image "bench/ttfb-b$i" v1; done
fi

DB="berth_pcbench_$(date +%s)_$$"
pg -c "create database $DB" >/dev/null
log "starting Berth (database $DB)"
start_berth --berth.outbound.allowed-networks=127.0.0.1/32 --berth.proxy-cache.revalidate-after=1h || exit 1
HOST=${URL#http://}
REG=$(created POST /api/v2.0/registries "{\"name\":\"up\",\"type\":\"docker-registry\",\"url\":\"http://$UPSTREAM\"}")
# Public, as mirrors of public images are: first pulls go anonymously, as the direct ones do (with
# credentials each pull adds a token request and its password check, the same for cached pulls).
api POST /api/v2.0/projects "{\"project_name\":\"pc\",\"registry_id\":$REG,\"metadata\":{\"public\":\"true\"}}" >/dev/null
api POST /api/v2.0/projects '{"project_name":"np"}' >/dev/null

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
sys_ticks() { awk '{ print $15 }' "/proc/$PID/stat"; }
# io_bytes: "wchar write_bytes-cancelled_write_bytes" of Berth so far (/proc/PID/io; wchar counts
# every write(2), sockets included; write_bytes what was dirtied for storage, net of truncation)
io_bytes() { awk '/^wchar/ { w = $2 } /^write_bytes/ { d = $2 } /^cancelled_write_bytes/ { c = $2 } END { print w, d - c }' "/proc/$PID/io"; }
mib() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) / 1048576 }'; }
upstream_requests() { grep -cE "\"(GET|HEAD) /v2/$1/" "$WORK/upstream.log" || true; }
log "first pulls: a warm-up miss, then $FIRST_ROUNDS rounds of direct and uncached through Berth"
pull "$HOST/pc/bench/warm:v1" >/dev/null
sleep 1
TICK=$(getconf CLK_TCK)
directs=() firsts=() cpus=() syss=() ureqs=() wchars=() stored=()
first_pull() { # I: one uncached pull through Berth, with its upstream requests, Berth's CPU and writes
  local t c0 c1 s0 s1 io0 io1
  c0=$(cpu_ticks); s0=$(sys_ticks); read -r -a io0 <<<"$(io_bytes)"
  t=$(pull "$HOST/pc/bench/first$1:v1") # anonymous, as direct
  sleep 1 # the background store finishes before the next pull
  c1=$(cpu_ticks); s1=$(sys_ticks); read -r -a io1 <<<"$(io_bytes)"
  firsts+=("$t"); cpus+=("$(awk -v a="$c0" -v b="$c1" -v h="$TICK" 'BEGIN { printf "%.2f", (b - a) / h }')")
  syss+=("$(awk -v a="$s0" -v b="$s1" -v h="$TICK" 'BEGIN { printf "%.2f", (b - a) / h }')")
  wchars+=("$(mib "${io0[0]}" "${io1[0]}")"); stored+=("$(mib "${io0[1]}" "${io1[1]}")")
  ureqs+=("$(upstream_requests "bench/first$1")")
}
for i in $(seq 1 "$FIRST_ROUNDS"); do
  if (( i % 2 )); then
    directs+=("$(pull "$UPSTREAM/bench/direct$i:v1")"); first_pull "$i"
  else
    first_pull "$i"; directs+=("$(pull "$UPSTREAM/bench/direct$i:v1")")
  fi
  echo "   round $i: direct ${directs[-1]} first ${firsts[-1]} (Berth CPU ${cpus[-1]} s, upstream requests ${ureqs[-1]}, written MiB ${wchars[-1]}/${stored[-1]}, load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
direct=$(echo "${directs[*]}" | median); first=$(echo "${firsts[*]}" | median)
FIRST_REPORT="image: $LAYERS × $LAYER_MIB MiB layers + config; skopeo copy --preserve-digests to dir:, wall seconds
direct from upstream       $direct   (median of $FIRST_ROUNDS fresh images) [${directs[*]}]
first pull through Berth   $first   (median of $FIRST_ROUNDS fresh images) [${firsts[*]}]   (direct/first = $(awk -v a="$direct" -v b="$first" 'BEGIN{printf "%.2f", a/b}'))
  per first pull: Berth CPU s [${cpus[*]}] (of which in the kernel [${syss[*]}]), upstream requests [${ureqs[*]}]
  per first pull: MiB Berth passed to write(2) [${wchars[*]}], MiB dirtied for storage net of truncation [${stored[*]}]"
if $FIRST_ONLY; then
  printf '\n%s\n(load average: %s)\n' "$FIRST_REPORT" "$(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
pull "$HOST/pc/bench/app:v1" "$AUTH" >/dev/null # cached from here
sleep 1
cached=(); for _ in $(seq 1 "$ROUNDS"); do cached+=("$(pull "$HOST/pc/bench/app:v1" "$AUTH")"); done
skopeo --policy <(echo '{"default":[{"type":"insecureAcceptAnything"}]}') copy -q --preserve-digests \
  --src-tls-verify=false --dest-tls-verify=false --dest-creds "$AUTH" \
  "docker://$UPSTREAM/bench/app:v1" "docker://$HOST/np/bench/app:v1" >/dev/null
normal=(); for _ in $(seq 1 "$ROUNDS"); do normal+=("$(pull "$HOST/np/bench/app:v1" "$AUTH")"); done

log "time to first byte ($TTFB_ROUNDS rounds, a fresh image each)"
# As a client asks: with a registry token (Basic credentials cost a password check per request),
# a new connection per request; bench/ttfb.py prints "status headers_ms first_body_byte_ms all_ms".
TTFB_OUT="$WORK/ttfb.txt"
: >"$TTFB_OUT"
layer_of() { # REPO: the first layer's digest upstream
  curl -sS -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$UPSTREAM/v2/$1/manifests/v1" \
    | sed 's/.*"layers":\[{[^}]*"digest":"\([^"]*\)".*/\1/'
}
for i in $(seq 1 "$TTFB_ROUNDS"); do
  a=bench/ttfb-a$i b=bench/ttfb-b$i la=$(layer_of "$a") lb=$(layer_of "$b")
  tok=$(curl -sS -u "$AUTH" "$URL/service/token?scope=repository:pc/$a:pull&scope=repository:pc/$b:pull" \
    | sed 's/.*"token":"\([^"]*\)".*/\1/')
  T="$BENCH_DIR/ttfb.py"
  # a blob nobody asked for yet, direct and through Berth (the order alternates)
  if (( i % 2 )); then
    echo "direct_blob $("$T" "http://$UPSTREAM/v2/$a/blobs/$la")" >>"$TTFB_OUT"
    echo "berth_blob_miss $("$T" "$URL/v2/pc/$a/blobs/$la" "Authorization:Bearer $tok")" >>"$TTFB_OUT"
  else
    echo "berth_blob_miss $("$T" "$URL/v2/pc/$a/blobs/$la" "Authorization:Bearer $tok")" >>"$TTFB_OUT"
    echo "direct_blob $("$T" "http://$UPSTREAM/v2/$a/blobs/$la")" >>"$TTFB_OUT"
  fi
  # a client's order: the manifest (Berth starts caching the image), then the first layer
  echo "direct_manifest $("$T" "http://$UPSTREAM/v2/$b/manifests/v1" 'Accept:application/vnd.oci.image.manifest.v1+json')" >>"$TTFB_OUT"
  echo "berth_manifest_miss $("$T" "$URL/v2/pc/$b/manifests/v1" 'Accept:application/vnd.oci.image.manifest.v1+json' "Authorization:Bearer $tok")" >>"$TTFB_OUT"
  echo "berth_layer_after_manifest $("$T" "$URL/v2/pc/$b/blobs/$lb" "Authorization:Bearer $tok")" >>"$TTFB_OUT"
  sleep 2 # cached by now: Berth's own cost per request
  echo "berth_layer_cached $("$T" "$URL/v2/pc/$b/blobs/$lb" "Authorization:Bearer $tok")" >>"$TTFB_OUT"
done
TTFB_TABLE=$(python3 - "$TTFB_OUT" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, status, headers, first, total, size = line.split()
    if status != "200":
        print(f"!! {line.strip()}")
        continue
    rows[name].append((float(headers), float(first)))
for name, v in rows.items():
    print(f"  {name:28s} n={len(v)}  median headers {statistics.median(x[0] for x in v):6.1f} ms,"
          f" first body byte {statistics.median(x[1] for x in v):6.1f} ms")
PY
)

log "one uncached pull alone"
solo=$(pull "$HOST/pc/bench/solo:v1" "$AUTH")

log "$CLIENTS concurrent uncached pulls"
before=$(grep -c 'GET /v2/bench/stampede/blobs/' "$WORK/upstream.log" || true)
start=$(now)
pids=()
for _ in $(seq 1 "$CLIENTS"); do pull "$HOST/pc/bench/stampede:v1" "$AUTH" >"$WORK/stampede.$RANDOM$RANDOM" & pids+=($!); done
wait "${pids[@]}" # not a bare wait: the upstream registry is a background job too
end=$(now)
stampede=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
gets=$(( $(grep -c 'GET /v2/bench/stampede/blobs/' "$WORK/upstream.log" || true) - before ))

c=$(echo "${cached[*]}" | median); n=$(echo "${normal[*]}" | median)
cat <<OUT

$FIRST_REPORT
cached pull (median)       $c   [${cached[*]}]
normal project (median)    $n   [${normal[*]}]   (normal/cached = $(awk -v a="$n" -v b="$c" 'BEGIN{printf "%.2f", a/b}'))
$CLIENTS concurrent misses    $stampede s wall; upstream blob GETs: $gets (one copy = $((LAYERS + 1))); one uncached pull alone: $solo s
time to first byte, medians of $TTFB_ROUNDS rounds (load average: $(cut -d' ' -f1-3 /proc/loadavg)):
$TTFB_TABLE
OUT
