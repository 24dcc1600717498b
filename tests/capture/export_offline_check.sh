#!/usr/bin/env bash
# The exported chrony fixture, opened by headless Chromium with the network refused, renders
# with its stylesheet and image. Usage: tests/capture/export_offline_check.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$here/build}"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$build/tests/linksnap-test-server" --root "$here/tests/fixtures/chrony" > "$work/server.out" &
server_pid=$!
for _ in $(seq 50); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
base="$(sed -n 's/^listening on //p' "$work/server.out")"
export LINKSNAP_HOME="$work/home"
"$build/native-host/linksnap" add "$base/chrony-nts.html"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""   # the network is gone
"$build/native-host/linksnap" export 1 --html "$work/chrony.html"
node "$here/tests/capture/export_offline_check.mjs" "$work/chrony.html"
