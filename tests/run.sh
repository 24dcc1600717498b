#!/usr/bin/env bash
# The one test command: configures and builds build/ if needed, then runs every suite.
# Exits non-zero on the first failure. LINKSNAP_BUILD_DIR overrides the build directory.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${LINKSNAP_BUILD_DIR:-$repo/build}
cd "$repo"

configure_and_build() {
  # An existing build directory keeps its settings (CI's -DLINKSNAP_WERROR=ON, a build
  # type); tests are switched on in case install.sh or a person configured without them.
  local -a generator=()
  [[ -f $build/CMakeCache.txt ]] || generator=(-G Ninja)
  cmake -S "$repo" -B "$build" "${generator[@]}" -DBUILD_TESTING=ON
  cmake --build "$build"
}

native_tests() {
  # gtest suites and the installer test; --no-tests=error so an empty run is a failure.
  ctest --test-dir "$build" --output-on-failure --no-tests=error -j2
}

shell_lint() {
  if ! command -v shellcheck >/dev/null; then
    # CI installs shellcheck, so there a missing one is an error, not a skip.
    [[ ${CI:-} != true ]] || { echo "shellcheck is not installed" >&2; return 1; }
    echo "skipped: shellcheck is not installed (apt-get install shellcheck)"
    return 0
  fi
  local -a scripts
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t scripts < <(git ls-files -co --exclude-standard -- '*.sh' .ci/run)
  else  # an unpacked tarball: no git, so skip build trees and node_modules by hand
    mapfile -t scripts < <(find . \( -path './build*' -o -name node_modules \) -prune -o \
                             \( -name '*.sh' -o -path ./.ci/run \) -type f -print)
  fi
  shellcheck -x "${scripts[@]}"
}

# The extension's node dev dependencies (playwright-core, web-ext), from package-lock.json.
node_deps() {
  command -v npm >/dev/null || { echo "npm is not installed (apt-get install nodejs npm)" >&2; return 1; }
  if [[ ! -d node_modules/playwright-core || ! -d node_modules/web-ext ||
        package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund
  fi
}

js_tests() {
  # Pure extension modules (chunking, URLs, messages, i18n, the build) under node's runner.
  node --test tests/js/
}

webext_lint() {
  node_deps
  npx --no-install web-ext lint --source-dir "$build/extension/firefox" --self-hosted --warnings-as-errors
}

e2e_tests() {
  local chromium=${LINKSNAP_CHROMIUM:-/usr/bin/chromium}
  if [[ ! -x $chromium ]]; then
    # CI installs Chromium, so there a missing one is an error, not a skip.
    [[ ${CI:-} != true ]] || { echo "$chromium is not installed" >&2; return 1; }
    echo "skipped: $chromium is not installed (apt-get install chromium)"
    return 0
  fi
  node_deps
  # One browser at a time: each test file launches its own headless browser (Chromium;
  # firefox.test.mjs uses firefox-esr and skips itself outside CI when it is missing).
  LINKSNAP_BUILD_DIR=$build node --test --test-concurrency=1 --test-timeout=180000 tests/e2e/
}

reliability_tests() {
  # Short passes of the hardening scripts (docs/reliability.md has the long-run commands):
  # SIGKILL mid-save, several hosts on one store, and every libFuzzer target.
  python3 tests/reliability/kill_test.py --build "$build" --kills 40
  python3 tests/reliability/concurrency_test.py --build "$build" --hosts 3 --seconds 15
  tests/fuzz/run.sh "${LINKSNAP_FUZZ_SECONDS:-15}"
}

hostile_tests() {
  # A loopback server that attacks add and the host (tests/hostile/); CI adds the long pass.
  python3 tests/hostile/hostile_test.py --build "$build"
  [[ ${CI:-} != true ]] || python3 tests/hostile/hostile_test.py --build "$build" --long
}

# Each suite is a function; adding one is one line here.
steps=(
  configure_and_build
  native_tests
  reliability_tests
  hostile_tests
  shell_lint
  js_tests
  webext_lint
  e2e_tests
)
for step in "${steps[@]}"; do
  echo "==> $step"
  "$step"
done
echo "==> all tests passed"
