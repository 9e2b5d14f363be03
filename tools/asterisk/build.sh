#!/usr/bin/env bash
# Builds Asterisk 22 once into the tools cache and prints the install prefix on
# its last line (sbin/asterisk, lib/asterisk/modules, var/lib/asterisk/{sounds,moh}).
#
#   build.sh                   the tools cache build (make asterisk, the tests, make run)
#   build.sh --destdir DIR     the image build (asterisk/Dockerfile's build stage):
#                              the same sources, modules and sounds, configured for
#                              the system layout (/usr, /etc/asterisk, /var) and
#                              installed under DIR, stripped, without headers; no
#                              cache, no lock
#
# Sources: the archives kept beside the project (../shared/asterisk/src, as
# in this workplace; SWITCHBOARD_ASTERISK_SRC names another folder), checked
# against the sums pinned below; else the official release downloads, checked
# against the sums their site publishes. pjproject is the bundled build, taken
# from an externals cache so nothing is downloaded while building. Modules:
# exactly those asterisk/etc/modules.conf loads, plus the build-only ones
# below. Sounds: generated here (sounds.sh), none downloaded. The cache key is
# every input of the build (this script with its pinned version and sums,
# sounds.sh, modules.conf), not where the sources came from: a cached build
# needs no sources at all.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=22.10.1
pjproject=2.17
# The release tag's archive and the pjproject archive Asterisk's bundled build expects.
asterisk_sha256=248b634d1a6c784aa3266e8cbfb8402780c04a468652992260a4aabab8023ff5
pjproject_sha256=04b2eb1f0f01aa0ad1945b167171843448a51aa6b7c3e806496d434f13a112b7
# Built but not loaded by the base configuration (call history turns them on).
build_only="cdr_pgsql cel_pgsql res_config_pgsql res_config_sqlite3 res_cdrel_custom cdr_sqlite3_custom cel_sqlite3_custom"

destdir=""
if [ "${1:-}" = "--destdir" ]; then
  [ -n "${2:-}" ] || { echo "usage: build.sh [--destdir DIR]" >&2; exit 2; }
  mkdir -p "$2"
  destdir=$(cd "$2" && pwd)
fi

if [ -n "$destdir" ]; then
  # Image build: a throwaway work folder; the layout Debian and the Alpine
  # packages use, so /etc/asterisk, /var/lib/asterisk, /var/run/asterisk & co.
  # are the compiled-in defaults.
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  prefix=/usr
  layout=(--prefix=/usr --libdir=/usr/lib --sysconfdir=/etc --localstatedir=/var)
  modules_dir="$destdir/usr/lib/asterisk/modules"
  varlib="$destdir/var/lib/asterisk"
else
  cache=${SWITCHBOARD_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/tools}
  stamp=$(cat "$here"/build.sh "$here"/sounds.sh "$repo/asterisk/etc/modules.conf" | sha256sum | cut -c1-16)
  root="$cache/asterisk/$stamp"
  prefix="$root/install"
  layout=(--prefix="$prefix")
  modules_dir="$prefix/lib/asterisk/modules"
  varlib="$prefix/var/lib/asterisk"
  mkdir -p "$root"
  exec 9>"$root/.lock"
  flock 9
  if [ -x "$prefix/sbin/asterisk" ] && [ -f "$prefix/.complete" ]; then echo "$prefix"; exit 0; fi
fi

# A clean clone may sit anywhere: the kept archives are looked for beside it
# and beside the workplace's main checkout.
src=""
for d in "${SWITCHBOARD_ASTERISK_SRC:-}" "$repo/../shared/asterisk/src" /work/shared/asterisk/src; do
  if [ -n "$d" ] && [ -f "$d/asterisk-$version.tar.gz" ] && [ -f "$d/pjproject-$pjproject.tar.bz2" ]; then
    src=$d
    break
  fi
done

start=$SECONDS
log="$root/build.log"
echo "building Asterisk $version into $root (log: $log) ..." >&2
downloads="$root/downloads"
mkdir -p "$downloads"
if [ -n "$src" ]; then
  cp "$src/asterisk-$version.tar.gz" "$src/pjproject-$pjproject.tar.bz2" "$downloads/"
  (cd "$downloads" && printf '%s  %s\n%s  %s\n' \
    "$asterisk_sha256" "asterisk-$version.tar.gz" "$pjproject_sha256" "pjproject-$pjproject.tar.bz2" |
    sha256sum --quiet -c -) || { echo "tools/asterisk: the archives in $src are not the pinned ones" >&2; exit 1; }
else
  # No kept archives: the official release and the sum its download site publishes.
  base=https://downloads.asterisk.org/pub/telephony/asterisk/releases
  curl -fsSL -o "$downloads/asterisk-$version.tar.gz" "$base/asterisk-$version.tar.gz"
  curl -fsSL -o "$downloads/asterisk-$version.sha256" "$base/asterisk-$version.sha256"
  (cd "$downloads" && sha256sum --quiet -c "asterisk-$version.sha256")
  # The archive Asterisk's bundled build downloads; checked below against the
  # md5 that the Asterisk release itself carries.
  curl -fsSL -o "$downloads/pjproject-$pjproject.tar.bz2" \
    "https://raw.githubusercontent.com/asterisk/third-party/master/pjproject/$pjproject/pjproject-$pjproject.tar.bz2"
fi

rm -rf "$root/build"
[ -n "$destdir" ] || rm -rf "$prefix"
mkdir -p "$root/build"
tar -xzf "$downloads/asterisk-$version.tar.gz" -C "$root/build"
cd "$root/build/asterisk-$version"
# Asterisk's own pjproject build checks the archive against the md5 it ships.
want=$(cut -d' ' -f1 "third-party/pjproject/pjproject-$pjproject.tar.bz2.md5")
have=$(md5sum "$downloads/pjproject-$pjproject.tar.bz2" | cut -d' ' -f1)
[ "$want" = "$have" ] || { echo "tools/asterisk: pjproject-$pjproject.tar.bz2 md5 $have, Asterisk expects $want" >&2; exit 1; }

{
  ./configure "${layout[@]}" --with-pjproject-bundled --with-externals-cache="$downloads" \
    --without-x11 --without-gtk2 --without-unixodbc --without-radius --without-tds \
    --without-sdl --without-portaudio --without-jack --without-pjproject-python
  make menuselect.makeopts
  # Every module category off, then exactly the product's modules on.
  categories="ADDONS APPS BRIDGES CDR CEL CHANNELS CODECS FORMATS FUNCS PBX RES TESTS UTILS AGIS"
  args=()
  for c in $categories; do args+=(--disable-category "MENUSELECT_$c"); done
  for m in $(sed -nE 's/^(load|require)[[:space:]]*=>?[[:space:]]*([a-z0-9_]+)\.so.*/\2/p' "$repo/asterisk/etc/modules.conf") $build_only; do
    args+=(--enable "$m")
  done
  # Sound packages are downloads: never.
  args+=(--disable-category MENUSELECT_CORE_SOUNDS --disable-category MENUSELECT_MOH --disable-category MENUSELECT_EXTRA_SOUNDS)
  args+=(--disable CORE-SOUNDS-EN-GSM --disable MOH-OPSOUND-WAV)
  menuselect/menuselect "${args[@]}" menuselect.makeopts
  make -j"$(nproc)" ASTCFLAGS="-O2"
  if [ -n "$destdir" ]; then
    make install DESTDIR="$destdir"
    # An image needs no headers and no debugging symbols (74 MB -> ~20 MB).
    rm -rf "$destdir/usr/include"
    find "$destdir/usr/sbin" "$destdir/usr/lib" -type f \( -name '*.so*' -o -perm -u+x \) |
      while read -r f; do
        if [ "$(head -c4 "$f" | tail -c3)" = ELF ]; then strip --strip-unneeded "$f"; fi
      done
  else
    make install
  fi
} >"$log" 2>&1 || { tail -40 "$log" >&2; echo "tools/asterisk: build failed, see $log" >&2; exit 1; }

# Every module the configuration loads, and the call-history ones, must have
# been built (menuselect drops a module whose library configure did not find,
# e.g. the PostgreSQL ones without zlib1g-dev, without a word).
missing=""
for m in $(sed -nE 's/^(load|require)[[:space:]]*=>?[[:space:]]*([a-z0-9_]+\.so).*/\2/p' "$repo/asterisk/etc/modules.conf") \
  $(for m in $build_only; do echo "$m.so"; done); do
  [ -f "$modules_dir/$m" ] || missing="$missing $m"
done
[ -z "$missing" ] || { echo "tools/asterisk: not built:$missing" >&2; exit 1; }

"$here/sounds.sh" "$varlib" >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
rm -rf "$root/build"
echo "built Asterisk $version in $((SECONDS - start)) s" >&2
if [ -n "$destdir" ]; then echo "$destdir"; exit 0; fi
touch "$prefix/.complete"
echo "$prefix"
