#!/usr/bin/env bash
# Signature verification throughput (issue 15): verifications per second on one thread, per kind
# (cosign per key type; Notation JWS and COSE per algorithm, through a three-certificate chain, with
# the trust store, identity, validity and payload checks). The registry reads around a verification
# are not included (they are a few indexed reads and one blob of a few KiB).
# Runs dev.berth.signature.VerificationThroughput from the test classes.
# Usage: bench/signatures.sh [seconds per kind, default 5] [--no-build]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_PER_KIND=${1:-5}
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
cd "$ROOT"
if [[ "${2:-}" != "--no-build" ]]; then
  ./mvnw -B -q -o test-compile -pl berth-server
fi
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
./mvnw -B -q -o -pl berth-server dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
echo "cores: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -cp "berth-server/target/classes:berth-server/target/test-classes:$(cat "$CP_FILE")" \
  dev.berth.signature.VerificationThroughput "$SECONDS_PER_KIND"
