#!/usr/bin/env bash
# Builds the base image of Berth's container image without a daemon and without pulling anything:
#   - a Java runtime made with jlink from the JDK that runs the build,
#   - the few shared libraries that this runtime and the embedded PostgreSQL binaries need,
#     copied from the build machine (found with ldd, not listed by hand),
#   - /bin/sh (pg_ctl starts the server through it), the C.UTF-8 locale, /etc/passwd with the
#     user berth (uid 10000) that initdb must be able to look up, /data owned by it, /tmp 1777.
# The result is a `docker save` style tarball that Jib reads as `tar://…` (one layer, files owned
# by root except /data, fixed timestamps, sorted entries: the same inputs give the same bytes).
#
# usage: build-base.sh OUT_DIR POSTGRES_BINARIES_JAR...
#   JAVA_HOME    the JDK to link the runtime from (25 or newer: it links from its own run-time image)
#   BASE_MODULES the modules to link (comma separated); a default suited to Berth is below
set -euo pipefail

out=${1:?usage: build-base.sh OUT_DIR POSTGRES_BINARIES_JAR...}
shift
: "${JAVA_HOME:?JAVA_HOME must point at a JDK}"
# java.se covers what jdeps finds in Berth's jar (java.desktop for java.beans, java.sql, java.naming,
# java.management, java.net.http, java.instrument, ...); the jdk.* ones are loaded by name or by
# reflection (Unsafe, EC crypto, DNS names, zip file systems, JFR and JMX, socket options), and
# jdk.jcmd gives operators `jcmd` for thread and heap dumps inside the container.
modules=${BASE_MODULES:-java.se,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs,jdk.net,jdk.charsets,jdk.management,jdk.management.jfr,jdk.jfr,jdk.jcmd}
uid=10000
epoch=1 # Jib's own layers use 1970-01-01T00:00:01Z

# The same script, JDK, modules, PostgreSQL binaries and host libraries give the same base: skip.
key=$({
  cat "$0" "$JAVA_HOME/release"
  echo "$modules"
  sha256sum "$@" | cut -d' ' -f1
  ldd "$JAVA_HOME/bin/java" | awk '$3 ~ /^\// { print $3 }' | xargs -r readlink -f | xargs -r sha256sum
} | sha256sum | cut -d' ' -f1)
if [ -f "$out/berth-base.tar" ] && [ "$(cat "$out/berth-base.key" 2>/dev/null)" = "$key" ]; then
  echo "build-base: $out/berth-base.tar is up to date"
  exit 0
fi

work="$out/work"
root="$work/rootfs"
[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
mkdir -p "$root" "$out"
rm -f "$out/berth-base.key"

echo "build-base: linking a runtime with $modules"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$root/opt/java"

# The PostgreSQL binaries are unpacked here only to learn which libraries they load; the image
# gets them from the application's own jar (Berth unpacks them under /tmp at start-up).
pg="$work/postgres"
mkdir -p "$pg"
for jar in "$@"; do
  rm -rf "$work/jar" && mkdir -p "$work/jar"
  (cd "$work/jar" && "$JAVA_HOME/bin/jar" xf "$jar")
  for txz in "$work"/jar/*.txz; do
    case "$(uname -m):$txz" in
      x86_64:*x86_64.txz | aarch64:*arm_64.txz) tar -xJf "$txz" -C "$pg" ;;
    esac
  done
done
[ -x "$pg/bin/postgres" ] || { echo "build-base: no PostgreSQL binaries for $(uname -m) in $*" >&2; exit 1; }

# ELF files whose libraries the image must carry. Left out: the AWT, sound and splash-screen
# libraries of java.desktop (Berth is headless; they want X11 and ALSA) and PostgreSQL's
# procedural languages (they want Perl, Python or Tcl, which Berth never loads).
elf_files() {
  find "$root/opt/java" "$pg/bin" "$pg/lib" -type f \
    \( -path '*/bin/*' -o -name '*.so' -o -name '*.so.*' \) \
    ! -name 'libawt_xawt.so' ! -name 'libjawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' \
    ! -name '*plperl*' ! -name '*plpython*' ! -name 'pltcl*' ! -name '*_plperl*' ! -name '*_plpython3*' \
    -print | sort | while read -r f; do
      if head -c 4 "$f" | grep -q 'ELF'; then echo "$f"; fi
    done
}

# "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)" and "/lib64/ld-linux-x86-64.so.2 (0x…)"
libs="$work/libs.txt"
: >"$libs"
missing=""
while read -r f; do
  out_ldd=$(LD_LIBRARY_PATH="$pg/lib:$root/opt/java/lib:$root/opt/java/lib/server" ldd "$f" 2>/dev/null || true)
  if grep -q 'not found' <<<"$out_ldd"; then
    missing="$missing\n$f: $(grep 'not found' <<<"$out_ldd" | tr -s ' \t' ' ')"
  fi
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out_ldd" >>"$libs"
done < <(elf_files)
if [ -n "$missing" ]; then
  echo -e "build-base: libraries not found on this machine:$missing" >&2
  exit 1
fi

# Everything lives under /usr (merged /usr, as on current Debian); /lib, /lib64, /bin, /sbin are links.
mkdir -p "$root/usr/bin" "$root/usr/lib" "$root/usr/lib64" "$root/usr/sbin"
ln -s usr/bin "$root/bin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
ln -s usr/sbin "$root/sbin"
usr_path() { case "$1" in /usr/*) echo "$1" ;; *) echo "/usr$1" ;; esac; }

copied="$work/copied.txt"
: >"$copied"
copy_host_file() { # $1: a path as the programs name it; the file is copied, the name kept as a link
  local named=$1 real
  real=$(readlink -f "$named")
  case "$real" in "$root"/* | "$pg"/*) return ;; esac
  local target
  target=$(usr_path "$real")
  if [ ! -e "$root$target" ]; then
    mkdir -p "$(dirname "$root$target")"
    cp "$real" "$root$target"
    echo "$real" >>"$copied"
  fi
  local link
  link=$(usr_path "$named")
  if [ "$link" != "$target" ] && [ ! -e "$root$link" ] && [ ! -L "$root$link" ]; then
    mkdir -p "$(dirname "$root$link")"
    ln -s "$(realpath -m --relative-to="$(dirname "$link")" "$target")" "$root$link"
  fi
}
sort -u "$libs" | grep -v -e "^$root" -e "^$pg" | while read -r lib; do copy_host_file "$lib"; done

# pg_ctl runs `/bin/sh -c "exec postgres …"`: dash is small and needs only libc.
dash=$(command -v dash || true)
[ -n "$dash" ] || { echo "build-base: dash is needed for /bin/sh (apt-get install dash)" >&2; exit 1; }
copy_host_file "$dash"
ln -s "$(basename "$(readlink -f "$dash")")" "$root/usr/bin/sh"
for lib in $(ldd "$(readlink -f "$dash")" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
  copy_host_file "$lib"
done

# C.UTF-8: Java's file-name encoding and initdb's locale (LANG is set in the image's config).
if [ -d /usr/lib/locale/C.utf8 ]; then
  mkdir -p "$root/usr/lib/locale"
  cp -r /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
  find /usr/lib/locale/C.utf8 -type f >>"$copied"
  lang=C.UTF-8
else
  lang=C
fi

mkdir -p "$root/etc" "$root/tmp" "$root/data" "$root/app"
cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
berth:x:$uid:$uid:Berth:/data:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$root/etc/group" <<EOF
root:x:0:
berth:x:$uid:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
chmod 1777 "$root/tmp"
chmod 0750 "$root/data"

# Where every copied file came from, for whoever audits the image.
{
  echo "# host files copied into the base image, with their Debian packages where known"
  sort -u "$copied" | while read -r f; do
    pkg=""
    if command -v dpkg >/dev/null 2>&1; then
      for candidate in "$f" "${f#/usr}"; do
        pkg=$(dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1) && [ -n "$pkg" ] && break
      done
    fi
    version=""
    [ -n "$pkg" ] && version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
    echo "$f ${pkg:-?} ${version:-?}"
  done
  echo "# java: $("$root/opt/java/bin/java" -version 2>&1 | head -n1)"
} >"$root/opt/java/release.base"
mkdir -p "$root/usr/share/berth-base"
mv "$root/opt/java/release.base" "$root/usr/share/berth-base/sources.txt"

# Check before packaging, where we may chroot: the runtime and the shell start on the rootfs's
# own libraries alone.
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null 2>&1; then
  # (LD_LIBRARY_PATH only because ld.so needs /proc to expand $ORIGIN, and a bare chroot has none)
  LD_LIBRARY_PATH=/opt/java/lib chroot "$root" /opt/java/bin/java -XX:-UsePerfData -version >/dev/null 2>&1 || { echo "build-base: java does not start in the rootfs" >&2; exit 1; }
  chroot "$root" /bin/sh -c true || { echo "build-base: /bin/sh does not start in the rootfs" >&2; exit 1; }
fi
find "$root/tmp" -mindepth 1 -delete

echo "build-base: packaging $(du -sh "$root" | cut -f1) rootfs"
layer="$work/layer.tar"
tar_opts=(--sort=name --mtime="@$epoch" --numeric-owner --format=posix
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
tar -C "$root" "${tar_opts[@]}" --owner=0 --group=0 --exclude=./data -cf "$layer" .
tar -C "$root" "${tar_opts[@]}" --owner="$uid" --group="$uid" --no-recursion -rf "$layer" ./data
diff_id=sha256:$(sha256sum "$layer" | cut -d' ' -f1)

arch=$(uname -m)
case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
java_version=$("$root/opt/java/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/ {print $2}')
config="$work/config.json"
cat >"$config" <<EOF
{"architecture":"$arch","os":"linux","created":"1970-01-01T00:00:01Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=$lang","TZ=UTC"],
  "User":"$uid:$uid","WorkingDir":"/app",
  "Labels":{"dev.berth.base.java":"$java_version","dev.berth.base.modules":"$modules"}},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:01Z","created_by":"berth-server/src/image/build-base.sh"}]}
EOF
config_name=$(sha256sum "$config" | cut -d' ' -f1).json
layer_name=${diff_id#sha256:}/layer.tar
pack="$work/pack"
mkdir -p "$pack/${diff_id#sha256:}"
cp "$config" "$pack/$config_name"
mv "$layer" "$pack/$layer_name"
printf '[{"Config":"%s","RepoTags":["berth-base:local"],"Layers":["%s"]}]\n' "$config_name" "$layer_name" >"$pack/manifest.json"
tar -C "$pack" "${tar_opts[@]}" --owner=0 --group=0 -cf "$out/berth-base.tar" manifest.json "$config_name" "$layer_name"
[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
# The key last: an interrupted build is never taken for an up-to-date one.
echo "$key" >"$out/berth-base.key"
echo "build-base: wrote $out/berth-base.tar ($(du -h "$out/berth-base.tar" | cut -f1), layer $diff_id)"
