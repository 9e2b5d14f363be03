#!/usr/bin/env bash
# Builds the project's container images without a registry and prints where
# they are, one `name=path` line per image at the end:
#
#   switchboard-operator=<cache>/images/switchboard-operator-<key>.oci.tar
#   switchboard-asterisk=<cache>/images/switchboard-asterisk-<key>.oci.tar
#
# Each file is an OCI image layout in a tar (one image, reference name = the
# key), for `ctr -n k8s.io images import --base-name localhost/<name> <file>`
# (-> localhost/<name>:<key>) or `skopeo copy oci-archive:<file> ...`.
#
# No base image can be pulled here, so the base root filesystems are made from
# Debian's packages with mmdebstrap (as Debian's own images are), imported into
# a buildah store of this cache's own, and the images are built by buildah
# (no daemon, --isolation chroot) from the very recipes a user builds with
# `docker build`: Dockerfile and asterisk/Dockerfile, with BUILD_BASE/BASE
# pointing at the local bases instead of the public ones.
#
# Keys: a base is keyed by its definition (suite, variant, packages, hooks and
# the files copied in), an image by its bases' keys, its recipe and every file
# its build context lets in, so a call rebuilds only what changed; a warm call
# only hashes. Parallel calls wait for each other (flock).
#
# Needs (make system-deps): mmdebstrap, buildah, and network access to Debian's
# mirror (bases; the Asterisk image's bases hold what it builds from) and to
# the npm registry (the operator's `npm install` in its build stage).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

cache=${SWITCHBOARD_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/tools}/images
mkdir -p "$cache/bases"
exec 9>"$cache/.lock"
flock 9

suite=bookworm
mirrors=(
  "deb http://deb.debian.org/debian $suite main"
  "deb http://deb.debian.org/debian $suite-updates main"
  "deb http://deb.debian.org/debian-security $suite-security main"
)
# npm for the operator's build stage, as node:24 images carry it (the npm
# package `node` ships the node binary only).
npm_version=11.19.1
node_bin="$repo/node_modules/node/bin/node"
[ -x "$node_bin" ] || { echo "tools/images: $node_bin missing (make deps)" >&2; exit 1; }

[ "$(id -u)" = 0 ] || { echo "tools/images: needs root (mmdebstrap --mode=root, buildah's store)" >&2; exit 1; }
for tool in mmdebstrap buildah npm; do
  command -v "$tool" >/dev/null || { echo "tools/images: $tool is required (make system-deps)" >&2; exit 1; }
done

# A buildah store of our own: nothing shared with another container engine on
# the machine, no registry ever consulted (no unqualified-name search).
cat >"$cache/storage.conf" <<EOF
[storage]
driver = "overlay"
runroot = "$cache/run"
graphroot = "$cache/storage"
EOF
cat >"$cache/registries.conf" <<EOF
unqualified-search-registries = []
EOF
export CONTAINERS_STORAGE_CONF="$cache/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$cache/registries.conf"
export BUILDAH_ISOLATION=chroot
bh() { nice -n 10 buildah "$@"; }

log="$cache/build.log"
: >"$log"
say() { echo "tools/images: $*" >&2; }
# Runs a step with its output in the log; on failure shows the log's end.
step() {
  "$@" >>"$log" 2>&1 || {
    tail -40 "$log" >&2
    say "failed: $* (log: $log)"
    exit 1
  }
}

hash_files() { # files or folders relative to the repo -> one hash of names and contents
  (cd "$repo" && find "$@" -type f ! -name '*.test.ts' ! -name '*.md' -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# base NAME "CONFIG" MMDEBSTRAP-ARGS... -> prints localhost/switchboard-base-NAME:KEY
# CONFIG: buildah config flags of the image (what the public base sets).
# base_inputs: files the base holds (in its key); base_post: a function run on
# the unpacked root file system (mmdebstrap runs no hooks for --variant=extract).
base() {
  local name=$1 config=$2
  shift 2
  local key
  # Where the repository and the cache are is no input: keys are the same in
  # every clone.
  key=$( (printf '%s\n' "$suite" "${mirrors[@]}" "$config" "$@" | sed -e "s#$cache#<cache>#g" -e "s#$repo#<repo>#g"
    [ -z "$base_post" ] || declare -f "$base_post"
    [ ${#base_inputs[@]} -eq 0 ] || cat "${base_inputs[@]}") | sha256sum | cut -c1-16)
  local ref="localhost/switchboard-base-$name:$key"
  if bh inspect --type image "$ref" >/dev/null 2>&1; then
    echo "$ref"
    return
  fi
  local tar="$cache/bases/$name-$key.tar" start=$SECONDS
  if [ ! -f "$tar" ]; then
    say "making base $name with mmdebstrap ..."
    rm -f "$tar.part"
    step nice -n 10 mmdebstrap --mode=root --format=tar "$@" "$suite" "$tar.part" "${mirrors[@]}"
    mv "$tar.part" "$tar"
  fi
  local ctr mnt
  ctr=$(bh from --pull=never scratch)
  mnt=$(bh mount "$ctr")
  tar -C "$mnt" --numeric-owner -xpf "$tar"
  [ -z "$base_post" ] || step "$base_post" "$mnt"
  bh umount "$ctr" >/dev/null
  # shellcheck disable=SC2086 # CONFIG is a list of flags
  eval "bh config $config \"\$ctr\"" >>"$log" 2>&1
  step bh commit --rm "$ctr" "$ref"
  rm -f "$tar"
  # Earlier versions of this base are of no more use.
  bh images --format '{{.Name}}:{{.Tag}}' | grep "^localhost/switchboard-base-$name:" | grep -v ":$key\$" |
    xargs -r buildah rmi >/dev/null 2>&1 || true
  say "base $name: $(bh images --format '{{.Size}}' "$ref" 2>/dev/null || true), $((SECONDS - start)) s"
  echo "$ref"
}

# Small Debian: merged /usr set up without the usrmerge package (which would
# pull in perl, ~50 MB), no docs, man pages or locales (as Debian's slim
# images), no recommends, apt's cache and lists removed (mmdebstrap's own
# cleanup).
slim=(
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --aptopt='APT::Install-Recommends "false"'
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-include=/usr/share/locale/locale.alias'
  --customize-hook='rm -f "$1"/etc/apt/apt.conf.d/99mmdebstrap "$1"/var/cache/apt/*.bin'
)
debian_config="--env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash"
# The Dockerfiles' package lists are the one source of what the bases hold.
packages() { sed -nE "s/^ARG $2=\"(.*)\"$/\\1/p" "$repo/$1" | tr ' ' ','; }
build_packages=$(packages asterisk/Dockerfile BUILD_PACKAGES)
runtime_packages=$(packages asterisk/Dockerfile RUNTIME_PACKAGES)
[ -n "$build_packages" ] && [ -n "$runtime_packages" ] || { say "no package lists in asterisk/Dockerfile"; exit 1; }

total=$SECONDS
# ---- bases ----
base_inputs=()
base_post=""
# debian:bookworm with what Asterisk builds from.
asterisk_build_base=$(base asterisk-build "$debian_config" --variant=minbase "${slim[@]}" --include="$build_packages")
# debian:bookworm-slim with the libraries Asterisk links against.
asterisk_base=$(base asterisk-runtime "$debian_config" --variant=minbase "${slim[@]}" --include="$runtime_packages")

npm_tgz="$cache/bases/npm-$npm_version.tgz"
if [ ! -f "$npm_tgz" ]; then
  (cd "$cache/bases" && step npm pack --silent "npm@$npm_version")
fi
base_inputs=("$node_bin" "$npm_tgz")
# node:24-bookworm-slim: Node 24 and npm in /usr/local.
node_build_base=$(base node-build \
  "$debian_config --env NODE_VERSION=$("$node_bin" --version) --cmd node" \
  --variant=minbase "${slim[@]}" \
  --customize-hook="copy-in $node_bin /usr/local/bin" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -xzf $npm_tgz --strip-components=1 -C \"\$1/usr/local/lib/node_modules/npm\"" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"')
# gcr.io/distroless/nodejs24-debian12:nonroot: no shell, no package manager;
# the C and C++ runtime Node links against, /nodejs/bin/node, user nonroot
# 65532 (as distroless: passwd, group, home, a world-writable /tmp).
distroless_node() {
  local root=$1
  rm -rf "$root"/etc/apt "$root"/var/lib/apt "$root"/var/cache/apt "$root"/var/lib/dpkg \
    "$root"/usr/share/doc/*/changelog* "$root"/usr/share/man "$root"/usr/share/info
  mkdir -p "$root/nodejs/bin" "$root/home/nonroot" "$root/tmp" "$root/root"
  chmod 1777 "$root/tmp"
  chmod 0700 "$root/root"
  chown 65532:65532 "$root/home/nonroot"
  install -m 0755 "$node_bin" "$root/nodejs/bin/node"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$root/etc/group"
}
base_inputs=("$node_bin")
base_post=distroless_node
node_base=$(base node-runtime \
  "--env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --user 65532:65532 --workingdir /home/nonroot --entrypoint '[\"/nodejs/bin/node\"]' --cmd ''" \
  --variant=extract --include=base-files,netbase,libc6,libgcc-s1,libstdc++6)
base_inputs=()
base_post=""

# ---- images ----
# image NAME DOCKERFILE IGNOREFILE "BUILD-ARGS..." "VOLUMES" INPUTS... -> NAME=<file>
# VOLUMES (caches, the kept source archives) change no result: not in the key.
image() {
  local name=$1 dockerfile=$2 ignorefile=$3 args=$4 flags=$5
  shift 5
  local key
  key=$( (printf '%s\n' "$args"; hash_files "$dockerfile" "$ignorefile" "$@") | sha256sum | cut -c1-16)
  local out="$cache/$name-$key.oci.tar"
  if [ ! -f "$out" ]; then
    local start=$SECONDS ref="localhost/$name:$key"
    say "building $name with buildah ..."
    # shellcheck disable=SC2086 # flags and args are lists
    # --layers: a stage whose inputs did not change comes from buildah's cache
    # (a change to asterisk/etc rebuilds the runtime stage, not Asterisk).
    step bh bud --isolation chroot --pull=never --layers --format oci \
      --ignorefile "$repo/$ignorefile" -f "$repo/$dockerfile" $args $flags \
      -t "$ref" "$repo"
    rm -f "$out.part"
    step bh push --quiet "$ref" "oci-archive:$out.part:$key"
    mv "$out.part" "$out"
    for old in "$cache/$name"-*.oci.tar; do [ "$old" = "$out" ] || rm -f "$old"; done
    # The archive is the product: the store keeps only the bases.
    bh rmi "$ref" >/dev/null 2>&1 || true
    say "$name: $(du -m "$out" | cut -f1) MB compressed, $((SECONDS - start)) s"
  fi
  echo "$name=$out" >>"$cache/.result"
}

# The build stage's npm reaches the registry as this machine's does: the same
# registry, trusting the same CAs (where a TLS-inspecting proxy stands between,
# its CA is only in the machine's bundle), sharing its download cache.
host_ca=${NODE_EXTRA_CA_CERTS:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
printf 'registry=%s\ncafile=/etc/ssl/certs/build-host-ca.crt\n' "$(npm config get registry)" >"$cache/npmrc"
mkdir -p "$HOME/.npm"

: >"$cache/.result"
image switchboard-operator Dockerfile .dockerignore \
  "--build-arg BUILD_BASE=$node_build_base --build-arg BASE=$node_base" \
  "--volume $HOME/.npm:/root/.npm --volume $cache/npmrc:/root/.npmrc:ro --volume $host_ca:/etc/ssl/certs/build-host-ca.crt:ro" \
  package.json package-lock.json tsconfig.json scripts/build.ts scripts/build-options.ts operator/src webui
src=""
for d in "${SWITCHBOARD_ASTERISK_SRC:-}" "$repo/../shared/asterisk/src" /work/shared/asterisk/src; do
  if [ -n "$d" ] && [ -f "$d/asterisk-22.10.1.tar.gz" ]; then
    src=$(cd "$d" && pwd)
    break
  fi
done
image switchboard-asterisk asterisk/Dockerfile asterisk/Dockerfile.dockerignore \
  "--build-arg BUILD_BASE=$asterisk_build_base --build-arg BASE=$asterisk_base" \
  "${src:+--volume $src:/usr/src/asterisk:ro}" \
  tools/asterisk/build.sh tools/asterisk/sounds.sh asterisk/etc
say "done in $((SECONDS - total)) s"
cat "$cache/.result"
