#!/usr/bin/env bash
# LDAP-backed Basic auth on the registry (issue 19): manifest HEAD with Basic credentials, as a
# logged-in docker/podman client sends them, by a local account and by a directory account, in one
# run. Two Berths from the same jar, alternating rounds:
#   local — auth_mode db_auth, a local user who is a developer of project bench
#   ldap  — auth_mode ldap_auth against Debian's slapd started here, a directory user who is a
#           developer of bench through a nested LDAP group (developers ∋ backend ∋ dave)
# Reports req/s and p99 per round (ab -k -i, LA_CONNECTIONS connections, LA_SECONDS each) and
# the LDAP binds slapd logged during the ldap rounds per 1,000 requests (slapd runs with the
# "stats" log level and answers every bind with one "RESULT tag=97" line; a successful simple bind
# also logs two "BIND dn=" lines, so those are not counted).
# Usage: bench/ldap-auth.sh [--no-build] [--keep]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_java

ROUNDS=${LA_ROUNDS:-3}
SECONDS_PER_ROUND=${LA_SECONDS:-15}
CONNECTIONS=${LA_CONNECTIONS:-8}
bench_berth_settings
BUILD=true
KEEP=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=false; shift ;;
    --keep) KEEP=true; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

ROOT_WORK=$(mktemp -d /tmp/berth-ldapbench.XXXXXX)
SUFFIX="dc=berth,dc=bench"
LDAP_ROOT_DN="cn=admin,$SUFFIX"
LDAP_ROOT_PW="Bench-Slapd-2026"
declare -A PIDS URLS DBS
SLAPD_PID=""
cleanup() {
  local status=$?
  for t in "${!PIDS[@]}"; do PID=${PIDS[$t]}; stop_berth; done
  [[ -n "$SLAPD_PID" ]] && kill "$SLAPD_PID" 2>/dev/null || true
  if ! $KEEP; then
    WORK=$ROOT_WORK
    for t in "${!DBS[@]}"; do pg -c "drop database if exists ${DBS[$t]} with (force)" >/dev/null 2>&1 || true; done
  fi
  if $KEEP; then echo "kept $ROOT_WORK" >&2; else rm -rf "$ROOT_WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if $BUILD || [[ ! -f "$BERTH_JAR" ]]; then
  log "building $BERTH_JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
fi

# ------------------------------------------------------------------ slapd
log "starting slapd"
SL="$ROOT_WORK/slapd"
mkdir -p "$SL/db"
cat >"$SL/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile $SL/slapd.pid
database mdb
maxsize 33554432
suffix "$SUFFIX"
rootdn "$LDAP_ROOT_DN"
rootpw $LDAP_ROOT_PW
directory $SL/db
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
CONF
LDAP_PORT=$(free_port)
# -d 256: the "stats" level, to stderr: a line per request and a RESULT line per answer
/usr/sbin/slapd -d 256 -f "$SL/slapd.conf" -h "ldap://127.0.0.1:$LDAP_PORT/" >"$SL/slapd.log" 2>&1 &
SLAPD_PID=$!
for _ in $(seq 1 100); do
  ldapsearch -x -H "ldap://127.0.0.1:$LDAP_PORT" -b "" -s base >/dev/null 2>&1 && break
  sleep 0.1
done
ldapadd -x -H "ldap://127.0.0.1:$LDAP_PORT" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" >/dev/null <<LDIF
dn: $SUFFIX
objectClass: dcObject
objectClass: organization
dc: berth
o: Berth bench

dn: ou=people,$SUFFIX
objectClass: organizationalUnit
ou: people

dn: ou=groups,$SUFFIX
objectClass: organizationalUnit
ou: groups

dn: uid=dave,ou=people,$SUFFIX
objectClass: inetOrgPerson
uid: dave
cn: Dave Bench
sn: Bench
mail: dave@bench.test
userPassword: Dave-Bench-1

dn: cn=backend,ou=groups,$SUFFIX
objectClass: groupOfNames
cn: backend
member: uid=dave,ou=people,$SUFFIX

dn: cn=developers,ou=groups,$SUFFIX
objectClass: groupOfNames
cn: developers
member: cn=backend,ou=groups,$SUFFIX
LDIF

# ------------------------------------------------------------------ the two Berths
post() { # PATH BODY: prints the Location header's last segment, fails on a non-2xx status
  local headers
  headers=$(curl -sS --max-time 30 -u "$AUTH" -X POST -H 'Content-Type: application/json' -d "$2" -D - -o /dev/null -w '%{http_code}' "$URL$1")
  [[ ${headers: -3} =~ ^2 ]] || { warn "POST $1 answered ${headers: -3}"; return 1; }
  grep -i '^location:' <<<"$headers" | tr -d '\r' | sed 's#.*/##'
}
put() {
  local code
  code=$(curl -sS --max-time 30 -u "$AUTH" -X PUT -H 'Content-Type: application/json' -d "$2" -o "$WORK/put.out" -w '%{http_code}' "$URL$1")
  [[ $code =~ ^2 ]] || { warn "PUT $1 answered $code: $(cat "$WORK/put.out")"; return 1; }
}

# push_image: one small image bench/app:v1 pushed by admin over the registry API
push_image() {
  local config='{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
  local cdigest="sha256:$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)"
  local loc
  loc=$(curl -sS -u "$AUTH" -X POST -D - -o /dev/null "$URL/v2/bench/app/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  [[ $loc == http* ]] || loc="$URL$loc"
  curl -sS -f -u "$AUTH" -X PUT -H 'Content-Type: application/octet-stream' --data-binary "$config" \
    "$loc$([[ $loc == *\?* ]] && echo '&' || echo '?')digest=$cdigest" -o /dev/null
  local manifest
  manifest=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[]}' "$cdigest" "${#config}")
  curl -sS -f -u "$AUTH" -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$manifest" \
    "$URL/v2/bench/app/manifests/v1" -o /dev/null
}

setup() { # TARGET: starts a Berth and makes bench/app:v1 and its developer
  local target=$1
  WORK="$ROOT_WORK/$target"
  mkdir -p "$WORK"
  DATA="$WORK/data"
  DB="berth_ldapbench_${target}_$(date +%s)_$$"
  DBS[$target]=$DB
  pg -c "create database $DB" >/dev/null
  log "starting Berth ($target)"
  start_berth --berth.outbound.allowed-networks=127.0.0.1/32
  PIDS[$target]=$PID
  URLS[$target]=$URL
  post /api/v2.0/projects '{"project_name":"bench","public":false}' >/dev/null
  if [[ $target == local ]]; then
    post /api/v2.0/users '{"username":"dave","email":"dave@bench.test","realname":"Dave Local","password":"Dave-Bench-1"}' >/dev/null
    post /api/v2.0/projects/bench/members '{"role_id":2,"member_user":{"username":"dave"}}' >/dev/null
  else
    put /api/v2.0/configurations "$(printf '{"auth_mode":"ldap_auth","ldap_url":"ldap://127.0.0.1:%s","ldap_search_dn":"%s","ldap_search_password":"%s","ldap_base_dn":"ou=people,%s","ldap_uid":"uid","ldap_filter":"objectClass=inetOrgPerson","ldap_group_base_dn":"ou=groups,%s","ldap_group_search_filter":"objectClass=groupOfNames","ldap_group_membership_attribute":"memberOf"}' \
      "$LDAP_PORT" "$LDAP_ROOT_DN" "$LDAP_ROOT_PW" "$SUFFIX" "$SUFFIX")"
    local group
    group=$(post /api/v2.0/usergroups "{\"group_name\":\"developers\",\"group_type\":1,\"ldap_group_dn\":\"cn=developers,ou=groups,$SUFFIX\"}")
    post /api/v2.0/projects/bench/members "{\"role_id\":2,\"member_group\":{\"id\":$group}}" >/dev/null
  fi
  push_image
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -I -u dave:Dave-Bench-1 -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$URL/v2/bench/app/manifests/v1")
  [[ $code == 200 ]] || { warn "$target: dave's HEAD answered $code"; return 1; }
}

setup local
setup ldap

# tag 97 is the LDAP BindResponse: one per bind, whether it succeeded or not
binds() { grep -c ' RESULT tag=97 ' "$SL/slapd.log" || true; }

# measure TARGET: one ab round of manifest HEAD as dave; prints "requests req/s p50 p99 non2xx"
measure() {
  local url=${URLS[$1]}
  timeout -k 5 $((SECONDS_PER_ROUND + 60)) ab -q -k -i -c "$CONNECTIONS" -t "$SECONDS_PER_ROUND" -n 100000000 \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H "Authorization: Basic $(printf 'dave:Dave-Bench-1' | base64)" \
    "$url/v2/bench/app/manifests/v1" 2>&1 | awk '
      /^Time taken for tests:/ { seconds = $5 }
      /^Complete requests:/ { done = $3 }
      /^Failed requests:/ { failed = $3 }
      /^Non-2xx responses:/ { non2xx = $3 }
      /^ +50%/ { p50 = $2 }
      /^ +99%/ { p99 = $2 }
      END {
        if (seconds == "" || done == "") exit 1
        printf "%d %.1f %d %d %d\n", done, done / seconds, p50, p99, non2xx + failed
      }'
}

log "measuring: $ROUNDS rounds of ${SECONDS_PER_ROUND}s each, $CONNECTIONS connections, alternating"
printf '%-6s %-5s %9s %9s %7s %7s %7s %6s\n' target round requests req/s p50ms p99ms errors binds
total_ldap_requests=0
total_ldap_binds=0
for round in $(seq 1 "$ROUNDS"); do
  for target in local ldap; do
    before=$(binds)
    read -r n rps p50 p99 errors < <(measure "$target")
    after=$(binds)
    b=$((after - before))
    if [[ $target == ldap ]]; then
      total_ldap_requests=$((total_ldap_requests + n))
      total_ldap_binds=$((total_ldap_binds + b))
    fi
    printf '%-6s %-5s %9d %9s %7d %7d %7d %6s\n' "$target" "$round" "$n" "$rps" "$p50" "$p99" "$errors" "$([[ $target == ldap ]] && echo "$b" || echo -)"
  done
done
awk -v r="$total_ldap_requests" -v b="$total_ldap_binds" 'BEGIN {
  printf "LDAP binds: %d for %d requests = %.3f per 1,000 requests\n", b, r, (r ? 1000 * b / r : 0) }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
