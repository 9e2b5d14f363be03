#!/usr/bin/env bash
# Builds the real control-plane binaries the tests and `make run` use
# (kube-apiserver, kube-controller-manager, kubectl, etcd, helm) and the real
# node's (kubelet, kube-scheduler, kube-proxy, CoreDNS) from their Go modules
# into a cache outside the work tree, keyed by the pinned go.mod/go.sum, so a
# fresh clone on the same machine reuses them and a pin change rebuilds.
# Prints the bin directory on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${SWITCHBOARD_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/tools}
stamp=$(cat "$here"/build.sh "$here"/*/go.mod "$here"/*/go.sum | sha256sum | cut -c1-16)
bin="$cache/$stamp/bin"
mkdir -p "$bin"
# Parallel test runs (and `make -j`) may call this at once: one builds, the others wait.
exec 9>"$cache/$stamp/.lock"
flock 9

k8s_version=$(awk '$1 == "k8s.io/kubernetes" {print $2} $2 == "k8s.io/kubernetes" {print $3}' "$here/k8s/go.mod" | head -1)
minor=$(echo "$k8s_version" | cut -d. -f2)
# Without these the binaries report v0.0.0-master and helm/kubectl see a bogus server version.
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $p.gitVersion=$k8s_version -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done

build() { # build <module-dir> <name> <package> [ldflags]
  local dir=$1 name=$2 pkg=$3 flags=${4:--s -w}
  if [ -x "$bin/$name" ]; then return; fi
  echo "building $name ($pkg) ..." >&2
  local start=$SECONDS
  (cd "$here/$dir" && go build -mod=readonly -trimpath -ldflags "$flags" -o "$bin/$name.tmp" "$pkg")
  mv "$bin/$name.tmp" "$bin/$name"
  echo "built $name in $((SECONDS - start)) s" >&2
}

# Go is on a fresh machine at /usr/local/go, which a bare PATH may lack.
command -v go >/dev/null || PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "tools/build.sh: Go (1.26+) is required to build the control plane" >&2; exit 1; }
build k8s kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$ldflags"
build k8s kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$ldflags"
build k8s kubectl k8s.io/kubernetes/cmd/kubectl "$ldflags"
build k8s kubelet k8s.io/kubernetes/cmd/kubelet "$ldflags"
build k8s kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler "$ldflags"
build k8s kube-proxy k8s.io/kubernetes/cmd/kube-proxy "$ldflags"
build etcd etcd go.etcd.io/etcd/server/v3
helm_version=$(awk '$1 == "require" && $2 == "helm.sh/helm/v4" {print $3}' "$here/helm/go.mod")
build helm helm helm.sh/helm/v4/cmd/helm "-s -w -X helm.sh/helm/v4/internal/version.version=$helm_version"
# A main of our own with only the plugins the node's cluster DNS uses (tools/coredns/main.go).
build coredns coredns .
echo "$bin"
