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

# Each suite is a function; adding one is one line here.
steps=(
  configure_and_build
  native_tests
  shell_lint
)
for step in "${steps[@]}"; do
  echo "==> $step"
  "$step"
done
echo "==> all tests passed"
