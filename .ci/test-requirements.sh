#!/usr/bin/env bash
# Run by the build before any test (root pom, validate phase; -DskipTests skips it): fails at
# once, with one message naming the packages to install, when a program the tests use is missing,
# instead of tests failing or skipping one by one later. PostgreSQL is not needed: without one on
# 127.0.0.1:5432 the tests start an embedded one (dev.berth.support.TestDatabase).
#   usage: test-requirements.sh [--image]     (--image: also what -Pimage builds and runs with)
set -uo pipefail
# program:Debian package
need=(skopeo:skopeo podman:podman buildah:buildah chromium:chromium redis-server:redis-server openssl:openssl
  docker-registry:docker-registry slapd:slapd ldapsearch:ldap-utils rpmbuild:rpm)
if [ "${1:-}" = "--image" ]; then
  need+=(runc:runc podman-compose:podman-compose xz:xz-utils dash:dash ldd:libc-bin)
fi
missing=()
for entry in "${need[@]}"; do
  program=${entry%%:*}
  # chromium: the portal's browser tests use $CHROMIUM or /usr/bin/chromium
  if [ "$program" = chromium ] && [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then continue; fi
  command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || missing+=("${entry#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "The tests need programs that are not installed. Install them (Debian 12 / Ubuntu 24.04) with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  echo "or build without tests: ./mvnw -B package -DskipTests" >&2
  exit 1
fi
