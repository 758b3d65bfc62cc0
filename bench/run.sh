#!/usr/bin/env bash
# Berth benchmark: the same load against CNCF distribution (reference), Berth and, for big
# blobs, nginx, side by side on this machine; 3 runs per scenario, medians reported.
# See bench/README.md. Usage: bench/run.sh [--targets distribution,berth,nginx] [--quick] ...
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# nginx_conf, bench_java, log and warn come from here; the helpers run.sh defines below (free_port,
# wait_http with a pid, start_berth for several targets) take the place of lib.sh's.
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

# ---------------------------------------------------------------- settings (env overrides)

TARGETS=distribution,berth,nginx
SCENARIOS=push,pull,tags,manifest-head,manifest-get,bigblob
RUNS=${BENCH_RUNS:-3}
IMAGES=${BENCH_IMAGES:-200}
LAYERS=${BENCH_LAYERS:-3}
LAYER_SIZE=${BENCH_LAYER_SIZE:-1MiB}
WORKERS=${BENCH_WORKERS:-8}
REPOS=20
TAGS_SECONDS=${BENCH_TAGS_SECONDS:-10}
MANIFEST_SECONDS=${BENCH_MANIFEST_SECONDS:-10}
MANIFEST_CONNECTIONS=32
BIG_COUNT=${BENCH_BIG_COUNT:-4}
BIG_SIZE=${BENCH_BIG_SIZE:-256MiB}
BIG_ROUNDS=${BENCH_BIG_ROUNDS:-4}
WARMUP_IMAGES=${BENCH_WARMUP_IMAGES:-40}
LOAD_TIMEOUT=900 # seconds, per load-generator invocation
BERTH_JAR=${BENCH_BERTH_JAR:-$ROOT/berth-server/target/berth.jar}
# The regression guard: a second Berth (target "baseline") from another jar, e.g. the previous
# main's, measured in the same run; the table then compares berth with it too.
BASELINE_JAR=${BENCH_BASELINE_JAR:-}
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:-}
# Berth requires authentication: it starts with this admin password (BERTH_ADMIN_PASSWORD, 8-128
# characters with upper case, lower case and a digit) and every request to it, from RegistryLoad,
# wrk and ab alike, carries these Basic credentials, as a logged-in docker client's would.
BERTH_USER="admin"
BERTH_PASSWORD=${BENCH_BERTH_PASSWORD:-Bench-Admin-2026}
BERTH_PROJECTS="bench warm" # the first path component of every repository used (bench/img*, bench/big, warm/img*)
KEEP=false

usage() {
  cat <<EOF
usage: bench/run.sh [options]
  --targets LIST     comma-separated subset of distribution,berth,nginx (default: all)
  --scenarios LIST   subset of $SCENARIOS (default: all)
  --runs N           runs per scenario and target, median reported (default: 3)
  --quick            small sizes for a fast smoke run (40 images x 256 KiB, 2 s loops, 4 x 32 MiB)
  --baseline JAR     also measure Berth from JAR (target "baseline", e.g. the previous main's jar):
                     the table adds berth/baseline, and the run fails if berth is worse by more
                     than BENCH_GUARD_TOLERANCE (default 0.15) on a throughput or CPU row
  --keep             keep the temporary directory (logs, data) instead of deleting it
Environment: BENCH_IMAGES BENCH_LAYERS BENCH_LAYER_SIZE BENCH_WORKERS BENCH_TAGS_SECONDS
  BENCH_MANIFEST_SECONDS BENCH_BIG_COUNT BENCH_BIG_SIZE BENCH_BIG_ROUNDS BENCH_RUNS
  BENCH_WARMUP_IMAGES BENCH_BERTH_JAR BENCH_BASELINE_JAR BENCH_GUARD_TOLERANCE BERTH_JAVA_OPTS
  BENCH_BERTH_PASSWORD
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --targets) TARGETS=$2; shift 2 ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --quick)
      IMAGES=40; LAYER_SIZE=256KiB; TAGS_SECONDS=2; MANIFEST_SECONDS=2
      BIG_SIZE=32MiB; BIG_ROUNDS=2; WARMUP_IMAGES=20; shift ;;
    --keep) KEEP=true; shift ;;
    --baseline) BASELINE_JAR=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

has() { [[ ",$1," == *",$2,"* ]]; }
if [[ -n "$BASELINE_JAR" ]]; then
  [[ -f "$BASELINE_JAR" ]] || { echo "no such jar: $BASELINE_JAR" >&2; exit 2; }
  has "$TARGETS" baseline || TARGETS="$TARGETS,baseline"
fi
for t in ${TARGETS//,/ }; do
  has distribution,berth,baseline,nginx "$t" || { echo "unknown target: $t" >&2; exit 2; }
  [[ $t != baseline || -n "$BASELINE_JAR" ]] || { echo "target baseline needs --baseline JAR" >&2; exit 2; }
done
((IMAGES >= REPOS && WARMUP_IMAGES >= REPOS)) || { echo "need at least $REPOS images" >&2; exit 2; }
for s in ${SCENARIOS//,/ }; do
  has push,pull,tags,manifest-head,manifest-get,bigblob "$s" || { echo "unknown scenario: $s" >&2; exit 2; }
done

# ---------------------------------------------------------------- process bookkeeping

WORK=$(mktemp -d /tmp/berth-bench.XXXXXX)
chmod 755 "$WORK" # nginx workers (nobody) must reach the big-blob files
RAW="$WORK/raw.jsonl"
: >"$RAW"
declare -A PID=() URL=() AUTH=() # AUTH: user:password for targets that need it
BERTH_DBS=()
FAILED=0

stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  for target in "${!PID[@]}"; do
    stop_pid "${PID[$target]}"
  done
  local db
  for db in "${BERTH_DBS[@]}"; do
    "${PSQL[@]}" -c "drop database if exists $db with (force)" >/dev/null 2>&1 || warn "could not drop database $db"
  done
  if $KEEP; then
    echo "kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for port in $(shuf -i 20000-40000 -n 100); do
    if ! ss -ltnH "sport = :$port" | grep -q .; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# wait_http URL PID SECONDS [CODES]: polls until URL answers one of CODES (a regex, default 200);
# fails early if PID dies
wait_http() {
  local url=$1 pid=$2 seconds=$3 codes=${4:-200}
  for _ in $(seq 1 $((seconds * 5))); do
    kill -0 "$pid" 2>/dev/null || return 1
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url") =~ ^($codes)$ ]] && return 0
    sleep 0.2
  done
  return 1
}

# basic_header TARGET: the Authorization header for the target's credentials (user:password)
basic_header() {
  printf 'Authorization: Basic %s' "$(printf '%s' "${AUTH[$1]}" | base64 -w0)"
}

# cpu_seconds PID: user+system CPU of PID and its child processes (nginx workers), in seconds
cpu_seconds() {
  local pids ticks=0 p
  pids="$1 $(pgrep -P "$1" | tr '\n' ' ' || true)"
  for p in $pids; do
    [[ -r /proc/$p/stat ]] || continue
    ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

# ---------------------------------------------------------------- servers

start_distribution() {
  local port dir="$WORK/distribution"
  port=$(free_port)
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  cache:
    blobdescriptor: inmemory
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  PID[distribution]=$!
  URL[distribution]="http://127.0.0.1:$port"
  wait_http "${URL[distribution]}/v2/" "${PID[distribution]}" 30 || {
    tail -20 "$dir/registry.log" >&2
    return 1
  }
}

start_berth() {
  if [[ ! -f "$BERTH_JAR" ]]; then
    log "building $BERTH_JAR"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package) || return 1
    [[ -f "$BERTH_JAR" ]] || { warn "the build did not produce $BERTH_JAR"; return 1; }
  fi
  start_berth_jar berth "$BERTH_JAR"
}

start_baseline() { start_berth_jar baseline "$BASELINE_JAR"; }

# start_berth_jar TARGET JAR: a Berth from JAR with its own database and data directory
start_berth_jar() {
  local target=$1 jar=$2 port dir="$WORK/$1" db
  port=$(free_port)
  mkdir -p "$dir/data"
  db="berth_bench_${target}_$(date +%s)_$$"
  "${PSQL[@]}" -c "create database $db" >/dev/null || return 1
  BERTH_DBS+=("$db")
  # shellcheck disable=SC2086 # BERTH_JAVA_OPTS is a list of JVM flags
  BERTH_ADMIN_PASSWORD="$BERTH_PASSWORD" \
    BERTH_DATA_DIR="$dir/data" \
    SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$db" \
    SPRING_DATASOURCE_USERNAME=postgres \
    "$JAVA" $BERTH_JAVA_OPTS -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
    >"$dir/berth.log" 2>&1 &
  PID[$target]=$!
  URL[$target]="http://127.0.0.1:$port"
  AUTH[$target]="$BERTH_USER:$BERTH_PASSWORD"
  # Up: /v2/ answers (401 without credentials). Ready: the readiness probe turns 200 once the
  # startup runners, which create the admin, are done; polling /v2/ with the credentials before
  # that would count failed logins and get the admin throttled.
  local status
  if ! wait_http "${URL[$target]}/v2/" "${PID[$target]}" 180 '200|401' ||
    ! wait_http "${URL[$target]}/actuator/health/readiness" "${PID[$target]}" 60; then
    tail -40 "$dir/berth.log" >&2
    return 1
  fi
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -u "${AUTH[$target]}" "${URL[$target]}/v2/")
  if [[ $status != 200 ]]; then
    warn "$target: GET /v2/ as $BERTH_USER answered $status, not 200 (an existing admin with another password?)"
    tail -40 "$dir/berth.log" >&2
    return 1
  fi
  # Every repository lives in a project, its first path component: create them (201, or 409 if
  # they exist).
  local project
  for project in $BERTH_PROJECTS; do
    status=$(curl -s -o "$dir/project.out" -w '%{http_code}' --max-time 30 -u "${AUTH[$target]}" \
      -H 'Content-Type: application/json' -d "{\"project_name\":\"$project\"}" "${URL[$target]}/api/v2.0/projects")
    if [[ $status != 201 && $status != 409 ]]; then
      warn "$target: creating project $project answered $status: $(head -c 300 "$dir/project.out")"
      return 1
    fi
  done
}

start_nginx() {
  local port dir="$WORK/nginx" probe
  port=$(free_port)
  nginx_conf "$dir" "$port" "$WORK/big"
  nginx -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/nginx.out" 2>&1 &
  PID[nginx]=$!
  URL[nginx]="http://127.0.0.1:$port"
  probe=$(jq -r '.files[0]' "$WORK/big.json")
  wait_http "${URL[nginx]}$probe" "${PID[nginx]}" 30 || {
    cat "$dir/nginx.out" "$dir/error.log" >&2
    return 1
  }
}

# ---------------------------------------------------------------- load drivers

# record TARGET SCENARIO RUN JSON_OR_EMPTY ERROR_OR_EMPTY SERVER_CPU
record() {
  local result=${4:-null}
  jq -cn --arg target "$1" --arg scenario "$2" --argjson run "$3" --argjson result "$result" \
    --arg error "$5" --argjson cpu "${6:-null}" \
    '{target: $target, scenario: $scenario, run: $run, result: $result, serverCpuSeconds: $cpu}
     + (if $error == "" then {} else {error: $error} end)' >>"$RAW"
}

# load TARGET SCENARIO ARGS...: runs RegistryLoad, prints its JSON line (stderr prefixed); the
# target's credentials, if any, go in BENCH_AUTH (not on the command line)
load() {
  local target=$1 scenario=$2 out err status
  shift 2
  out="$WORK/out.$$" err="$WORK/err.$$"
  status=0
  BENCH_AUTH="${AUTH[$target]:-}" timeout -k 10 "$LOAD_TIMEOUT" \
    "$JAVA" -cp "$WORK/classes" RegistryLoad "$scenario" --url "${URL[$target]}" "$@" \
    >"$out" 2>"$err" || status=$?
  sed "s/^/   [$target] /" "$err" >&2
  tail -1 "$out"
  return $status
}

# measure_manifest TARGET METHOD: prints one JSON line from ab (HEAD) or wrk (GET)
measure_manifest() {
  local target=$1 method=$2 auth=()
  if [[ -n "${AUTH[$target]:-}" ]]; then
    auth=(-H "$(basic_header "$target")") # as a logged-in client sends on every request
  fi
  if [[ $method == HEAD ]]; then
    # wrk 4.1 cannot parse HEAD responses (wg/wrk#198): ab -i does HEAD with keep-alive
    timeout -k 5 $((MANIFEST_SECONDS + 60)) ab -q -k -i -c "$MANIFEST_CONNECTIONS" -t "$MANIFEST_SECONDS" -n 100000000 \
      -H 'Accept: application/vnd.oci.image.manifest.v1+json' "${auth[@]}" \
      "${URL[$target]}/v2/bench/img0/manifests/t0" 2>&1 | awk '
        /^Time taken for tests:/ { seconds = $5 }
        /^Complete requests:/ { done = $3 }
        /^Failed requests:/ { failed = $3 }
        /^Non-2xx responses:/ { non2xx = $3 }
        /^ +50%/ { p50 = $2 }
        /^ +99%/ { p99 = $2 }
        END {
          if (seconds == "" || done == "") exit 1
          printf "{\"scenario\":\"manifest-head\",\"tool\":\"ab\",\"requests\":%d,\"seconds\":%.3f,", done, seconds
          printf "\"reqPerSec\":%.1f,\"p50Ms\":%d,\"p99Ms\":%d,\"non2xx\":%d,\"socketErrors\":%d}\n", \
            done / seconds, p50, p99, non2xx + 0, failed + 0
        }'
  else
    timeout -k 5 $((MANIFEST_SECONDS + 60)) wrk -c "$MANIFEST_CONNECTIONS" -t 2 -d "${MANIFEST_SECONDS}s" --timeout 10s \
      -s "$BENCH_DIR/manifest.lua" "${auth[@]}" \
      "${URL[$target]}" -- GET "$IMAGES" "$REPOS" bench/img t | sed -n 's/^RESULT //p'
  fi
}

# run_scenario TARGET SCENARIO RUN: one measured run, recorded in $RAW
run_scenario() {
  local target=$1 scenario=$2 run=$3 json="" error="" before after
  before=$(cpu_seconds "${PID[$target]}")
  case "$scenario" in
    push) json=$(load "$target" push --images "$IMAGES" --layers "$LAYERS" --layer-size "$LAYER_SIZE" \
      --workers "$WORKERS" --repos "$REPOS") || error="push failed" ;;
    pull) json=$(load "$target" pull --images "$IMAGES" --workers "$WORKERS" --repos "$REPOS") ||
      error="pull failed (protocol error or digest mismatch)" ;;
    tags) json=$(load "$target" tags --duration "$TAGS_SECONDS" --workers "$WORKERS" --repos "$REPOS") ||
      error="tags failed" ;;
    manifest-head) json=$(measure_manifest "$target" HEAD) || error="ab failed" ;;
    manifest-get) json=$(measure_manifest "$target" GET) || error="wrk failed" ;;
    bigblob) json=$(load "$target" bigblob --paths "${BIG_PATHS[$target]}" --rounds "$BIG_ROUNDS") ||
      error="bigblob failed" ;;
  esac
  after=$(cpu_seconds "${PID[$target]}")
  if [[ -z "$error" && $scenario == manifest-* ]]; then
    if [[ -z "$json" ]]; then
      error="no result from the load tool"
    elif [[ $(jq '.non2xx + .socketErrors' <<<"$json") != 0 ]]; then
      error="non-2xx responses or socket errors: $json"
    else
      echo "   [$target] $scenario: $(jq -r '"\(.requests) requests, \(.reqPerSec) req/s, p50 \(.p50Ms) ms, p99 \(.p99Ms) ms"' <<<"$json")" >&2
    fi
  fi
  [[ -n "$json" ]] && jq -e . >/dev/null 2>&1 <<<"$json" || json=null
  if [[ -n "$error" ]]; then
    warn "$target $scenario run $run: $error"
    FAILED=1
  fi
  record "$target" "$scenario" "$run" "$json" "$error" "$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", b - a }')"
}

# ---------------------------------------------------------------- main

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$LOAD_BEFORE" 'BEGIN { exit !(l > 0.5) }'; then
  warn "load average is $LOAD_BEFORE before starting: other work on this machine will make the figures noisy"
fi

log "compiling the load generator"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH_DIR"/*.java

declare -A BIG_PATHS=()
if has "$SCENARIOS" bigblob; then
  log "generating $BIG_COUNT x $BIG_SIZE big blobs"
  "$JAVA" -cp "$WORK/classes" RegistryLoad bigblob-seed --dir "$WORK/big" --count "$BIG_COUNT" --size "$BIG_SIZE" \
    >"$WORK/big.json"
  BIG_PATHS[nginx]=$(jq -r '.files | join(",")' "$WORK/big.json")
fi

ACTIVE=()
for target in ${TARGETS//,/ }; do
  [[ $target == nginx ]] && ! has "$SCENARIOS" bigblob && continue
  log "starting $target"
  if "start_$target"; then
    ACTIVE+=("$target")
    echo "   $target listening on ${URL[$target]} (pid ${PID[$target]})" >&2
  else
    warn "$target did not start; skipping it"
    FAILED=1
  fi
done
REGISTRIES=()
for target in "${ACTIVE[@]}"; do
  [[ $target != nginx ]] && REGISTRIES+=("$target")
done

for target in "${REGISTRIES[@]}"; do
  log "warming up $target"
  if ! { load "$target" push --images "$WARMUP_IMAGES" --layer-size 256KiB --repo-prefix warm/img >/dev/null &&
    load "$target" pull --images "$WARMUP_IMAGES" --repo-prefix warm/img >/dev/null &&
    load "$target" tags --duration 1 --repo-prefix warm/img >/dev/null; }; then
    warn "$target failed the warm-up"
    FAILED=1
  fi
  if has "$SCENARIOS" bigblob; then
    load "$target" bigblob-seed --dir "$WORK/big" --count "$BIG_COUNT" --size "$BIG_SIZE" >"$WORK/big-$target.json" ||
      { warn "$target: big-blob upload failed"; FAILED=1; }
    BIG_PATHS[$target]=$(jq -r '.registryPaths | join(",")' "$WORK/big-$target.json" 2>/dev/null || true)
  fi
done

for scenario in ${SCENARIOS//,/ }; do
  targets=("${REGISTRIES[@]}")
  if [[ $scenario == bigblob ]]; then
    targets=("${ACTIVE[@]}")
    for target in "${targets[@]}"; do # one untimed round to warm caches and JITs
      load "$target" bigblob --paths "${BIG_PATHS[$target]}" >/dev/null 2>&1 || true
    done
  fi
  for run in $(seq 1 "$RUNS"); do
    log "$scenario, run $run/$RUNS"
    for target in "${targets[@]}"; do
      run_scenario "$target" "$scenario" "$run"
    done
  done
done

# ---------------------------------------------------------------- results

mkdir -p "$BENCH_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$BENCH_DIR/results/$STAMP.json"
META=$(jq -n \
  --arg timestamp "$STAMP" \
  --arg targets "$TARGETS" \
  --argjson cpus "$(nproc)" \
  --arg kernel "$(uname -r)" \
  --arg java "$("$JAVA" -version 2>&1 | head -1)" \
  --arg distribution "$(docker-registry --version 2>/dev/null || echo n/a)" \
  --arg nginx "$(nginx -v 2>&1 || true)" \
  --arg wrk "$(wrk -v 2>&1 | head -1 || true)" \
  --arg ab "$(ab -V 2>&1 | head -1 || true)" \
  --arg loadBefore "$LOAD_BEFORE" --arg loadAfter "$(cut -d' ' -f1 /proc/loadavg)" \
  --arg berthJar "$BERTH_JAR" --arg baselineJar "$BASELINE_JAR" \
  --arg berthAuth "$([[ -n "${AUTH[berth]:-}" ]] && echo "basic:$BERTH_USER" || echo none)" \
  --argjson config "$(jq -n --argjson runs "$RUNS" --argjson images "$IMAGES" --argjson layers "$LAYERS" \
    --arg layerSize "$LAYER_SIZE" --argjson workers "$WORKERS" --argjson repos "$REPOS" \
    --argjson tagsSeconds "$TAGS_SECONDS" --argjson manifestSeconds "$MANIFEST_SECONDS" \
    --argjson manifestConnections "$MANIFEST_CONNECTIONS" --argjson bigCount "$BIG_COUNT" \
    --arg bigSize "$BIG_SIZE" --argjson bigRounds "$BIG_ROUNDS" '$ARGS.named')" \
  '{timestamp: $timestamp, targets: ($targets | split(",")), config: $config,
    host: {cpus: $cpus, kernel: $kernel, java: $java,
           loadAverage: {before: ($loadBefore | tonumber), after: ($loadAfter | tonumber)}},
    versions: {distribution: $distribution, nginx: $nginx, wrk: $wrk, ab: $ab}, berthJar: $berthJar,
    baselineJar: (if $baselineJar == "" then null else $baselineJar end),
    berthAuth: $berthAuth}')
jq -s --argjson meta "$META" -f "$BENCH_DIR/summarize.jq" "$RAW" >"$RESULTS"
jq -r -f "$BENCH_DIR/report.jq" "$RESULTS" >"${RESULTS%.json}.md"

log "results (medians of $RUNS runs) — $RESULTS"
cat "${RESULTS%.json}.md"
if [[ -n "$BASELINE_JAR" ]]; then
  # The guard: every throughput row at least (1 - tolerance) of the baseline's, every CPU row at
  # most (1 + tolerance) of it. The medians of the same run, so drifts of the machine hit both.
  REGRESSIONS=$(jq -r --argjson tol "${BENCH_GUARD_TOLERANCE:-0.15}" -f "$BENCH_DIR/guard.jq" "$RESULTS")
  if [[ -n "$REGRESSIONS" ]]; then
    warn "regression against the baseline ($BASELINE_JAR):"
    printf '%s\n' "$REGRESSIONS" >&2
    FAILED=1
  else
    log "no regression against the baseline (tolerance ${BENCH_GUARD_TOLERANCE:-0.15})"
  fi
fi
if [[ $FAILED != 0 ]]; then
  warn "some targets or runs failed; see the warnings above and .failures in $RESULTS"
  exit 1
fi
