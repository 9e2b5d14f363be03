#!/usr/bin/env bash
# Fails when a process started by the tests is still running: the control-plane
# binaries (they all live in the tools cache), an operator, or a reaper; the
# SIP tests' Kamailio/coturn (temp dirs switchboard-sip-*/switchboard-turn-*)
# Playwright's Chromium (its profile dir), Asterisk (run from the tests'
# switchboard-asterisk-* folders or make run's .run) and PostgreSQL (its
# cluster_name, in the postmaster's arguments and every child's title).
set -uo pipefail
bin=$(cd "$(dirname "$0")/.." && tools/build.sh)
for _ in $(seq 1 50); do # reapers notice their parent's exit within a second
  left=$(pgrep -af -- "$bin/|switchboard-reaper|operator/src/main.ts|switchboard-sip-|switchboard-turn-|playwright_chromiumdev_profile|sbin/asterisk -f|switchboard-postgres" | grep -v pgrep || true)
  [ -z "$left" ] && { echo "no test process left running"; exit 0; }
  sleep 0.1
done
echo "processes left running after the tests:" >&2
echo "$left" >&2
exit 1
