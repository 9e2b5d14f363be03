#!/usr/bin/env bash
# Fails when a process started by the tests is still running: the control-plane
# binaries (they all live in the tools cache), an operator, or a reaper; the
# SIP tests' Kamailio/coturn (temp dirs switchboard-sip-*/switchboard-turn-*)
# Playwright's Chromium (its profile dir), Asterisk (run from the tests'
# switchboard-asterisk-* folders or make run's .run) and PostgreSQL (its
# cluster_name, in the postmaster's arguments and every child's title). The
# real node's kubelet, kube-scheduler, kube-proxy and CoreDNS are in the tools
# cache too; its containerd and shims name a test directory's node/containerd/;
# and its network (bridge, iptables chains, network namespaces) must be gone
# as well (test/cluster/node.ts).
set -uo pipefail
bin=$(cd "$(dirname "$0")/.." && tools/build.sh)
for _ in $(seq 1 100); do # reapers notice their parent's exit within a second (busy machine: more)
  left=$(pgrep -af -- "$bin/|switchboard-reaper|operator/src/main.ts|switchboard-sip-|switchboard-turn-|playwright_chromiumdev_profile|sbin/asterisk -f|switchboard-postgres|/node/containerd/" | grep -v pgrep || true)
  [ -z "$left" ] && break
  sleep 0.1
done
if [ -n "$left" ]; then
  echo "processes left running after the tests:" >&2
  echo "$left" >&2
  exit 1
fi
network=$(
  ip -br link show switchboard0 2>/dev/null
  ls /run/netns 2>/dev/null | grep '^cni-'
  { iptables-save; ip6tables-save; } 2>/dev/null | grep -E '^:(KUBE|CNI)-'
)
if [ -n "$network" ]; then
  echo "the test node's network was left behind:" >&2
  echo "$network" >&2
  exit 1
fi
echo "no test process left running"
