#!/usr/bin/env bash
# tests/run.sh never skips a suite quietly: with a browser missing it fails before any work
# and names the package; an unknown --skip is a usage error. (The passing path is the CI run.)
# Usage: run_sh_test.sh REPO_ROOT
set -euo pipefail
repo=${1:?usage: run_sh_test.sh REPO_ROOT}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

# expect STATUS NAME CMD...: CMD exits with STATUS; its stderr is in $tmp/err.
expect() {
  local want=$1 name=$2 status=0
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
  ((status == want)) || { fail "$name: exit $status, expected $want"; cat "$tmp/out" "$tmp/err" >&2; }
}
contains() { grep -qF -- "$2" "$tmp/err" || { fail "$1: stderr lacks '$2'"; cat "$tmp/err" >&2; }; }

# A build dir that does not exist: the preflight must fail before configuring anything.
export LINKSNAP_BUILD_DIR=$tmp/never-built
expect 1 "missing chromium" env LINKSNAP_CHROMIUM="$tmp/no-chromium" bash "$repo/tests/run.sh"
contains "missing chromium" "e2e needs $tmp/no-chromium"
contains "missing chromium" "(or: sudo apt-get install chromium)"
contains "missing chromium" "installer/install.sh --test-deps"
[[ ! -e $LINKSNAP_BUILD_DIR ]] || fail "missing chromium: the build ran before the check"

expect 1 "missing both browsers" env LINKSNAP_CHROMIUM="$tmp/a" LINKSNAP_FIREFOX="$tmp/b" bash "$repo/tests/run.sh"
contains "missing both browsers" "(or: sudo apt-get install chromium firefox-esr)"

expect 2 "unknown suite" bash "$repo/tests/run.sh" --skip e2e,bogus
contains "unknown suite" "tests/run.sh: unknown suite 'bogus'"

if ((failures)); then echo "$failures failure(s)" >&2; exit 1; fi
echo "run.sh refuses to skip quietly: ok"
