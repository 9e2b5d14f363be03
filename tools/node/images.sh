#!/usr/bin/env bash
# Builds the test node's two images as OCI layout tarballs, once, into the
# tools cache keyed by their inputs (this script, pause.c, probe/): the
# sandbox image `localhost/pause` (a static C program, tools/node/pause.c) and
# the tests' workload `localhost/probe` (a static Go binary, tools/node/probe/).
# Nothing is pulled: each image is one layer holding one binary, made with
# umoci, and test/cluster/node.ts imports the tarballs into containerd.
# Prints the directory holding pause.tar and probe.tar on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${SWITCHBOARD_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/tools}
stamp=$(cat "$here"/images.sh "$here"/pause.c "$here"/probe/go.mod "$here"/probe/*.go | sha256sum | cut -c1-16)
out="$cache/node-images/$stamp"
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
if [ -f "$out/pause.tar" ] && [ -f "$out/probe.tar" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null || PATH="$PATH:/usr/local/go/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# image <name> <tag> <binary> <user> <entrypoint...>: a one-layer image
# holding <binary> as /<name>, run as <user> (numeric: no /etc/passwd inside).
image() {
  local name=$1 tag=$2 binary=$3 user=$4
  shift 4
  local layout="$work/$name" bundle="$work/$name-bundle"
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci unpack --image "$layout:$tag" "$bundle"
  install -m 0755 "$binary" "$bundle/rootfs/$name"
  umoci repack --image "$layout:$tag" "$bundle"
  local entrypoint=()
  for arg in "$@"; do entrypoint+=(--config.entrypoint "$arg"); done
  umoci config --image "$layout:$tag" --config.user "$user" "${entrypoint[@]}" \
    --architecture "$(go env GOARCH)" --os linux
  umoci gc --layout "$layout"
  tar -C "$layout" -cf "$out/$name.tar.tmp" .
  mv "$out/$name.tar.tmp" "$out/$name.tar"
  echo "built localhost/$name:$tag ($(du -k "$out/$name.tar" | cut -f1) KB)" >&2
}

gcc -Os -static -s -o "$work/pause.bin" "$here/pause.c"
image pause 1.0 "$work/pause.bin" 65535:65535 /pause
(cd "$here/probe" && CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "-s -w" -o "$work/probe.bin" .)
image probe 1.0 "$work/probe.bin" 10000:10000 /probe
echo "$out"
