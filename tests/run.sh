#!/usr/bin/env bash
# The one test command: configures and builds build/ if needed, then runs every suite.
# Exits non-zero on the first failure. It never skips a suite on its own: when something a
# suite needs is missing it fails before any work and names what to install.
# `--skip SUITE,...` leaves suites out on request, and the last line then says which.
# LINKSNAP_BUILD_DIR overrides the build directory.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${LINKSNAP_BUILD_DIR:-$repo/build}
cd "$repo"

# Suites in the order they run; each is a function of the same name below (adding one is
# a line here, one in `requirements` if it needs a tool, and its function). The build
# always runs.
suites=(native reliability hostile fuzz shell_lint js webext_lint e2e firefox)

usage() {
  cat <<EOF
Usage: tests/run.sh [--skip SUITE[,SUITE...]] [--list]

Builds build/ if needed and runs every test suite: ${suites[*]}.
When a tool a suite needs is missing it fails and says what to install
(installer/install.sh --test-deps installs all of it).

  --skip LIST   leave out these suites; the last line names them
  --list        print the suite names and exit
EOF
}

skipped=()
while (($#)); do
  case $1 in
    --skip) IFS=, read -r -a more <<<"${2:?--skip needs a list of suites}"; skipped+=("${more[@]}"); shift ;;
    --skip=*) IFS=, read -r -a more <<<"${1#--skip=}"; skipped+=("${more[@]}") ;;
    --list) printf '%s\n' "${suites[@]}"; exit 0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; echo "tests/run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
for name in "${skipped[@]}"; do
  [[ " ${suites[*]} " == *" $name "* ]] || {
    echo "tests/run.sh: unknown suite '$name' (suites: ${suites[*]})" >&2; exit 2; }
done
wanted() { [[ " ${skipped[*]} " != *" $1 "* ]]; }

# What each suite needs that a fresh machine may lack: "suite|command or path|Debian package".
requirements=(
  "native|cmake|cmake" "native|ninja|ninja-build" "native|c++|build-essential"
  "reliability|python3|python3" "hostile|python3|python3"
  "fuzz|clang++|clang"
  "shell_lint|shellcheck|shellcheck"
  "js|node|nodejs" "webext_lint|npm|npm" "e2e|npm|npm" "firefox|npm|npm"
  "e2e|${LINKSNAP_CHROMIUM:-/usr/bin/chromium}|chromium"
  "firefox|${LINKSNAP_FIREFOX:-/usr/bin/firefox-esr}|firefox-esr"
)

# Fails before any work when a wanted suite cannot run, naming everything that is missing.
preflight() {
  local entry suite need package
  local -a missing=() packages=()
  for entry in "${requirements[@]}"; do
    IFS='|' read -r suite need package <<<"$entry"
    wanted "$suite" || continue
    if [[ $need == /* ]]; then
      [[ -x $need ]] && continue
    else
      command -v "$need" >/dev/null && continue
    fi
    missing+=("$suite needs $need")
    [[ " ${packages[*]} " == *" $package "* ]] || packages+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  {
    echo "tests/run.sh: cannot run every suite:"
    printf '  %s\n' "${missing[@]}"
    echo "Install what the tests need with: installer/install.sh --test-deps"
    echo "  (or: sudo apt-get install ${packages[*]})"
    echo "or leave suites out on purpose: tests/run.sh --skip SUITE,..."
  } >&2
  exit 1
}

configure_and_build() {
  # An existing build directory keeps its settings (CI's -DLINKSNAP_WERROR=ON, a build
  # type); tests are switched on in case install.sh or a person configured without them.
  local -a generator=()
  [[ -f $build/CMakeCache.txt ]] || generator=(-G Ninja)
  cmake -S "$repo" -B "$build" "${generator[@]}" -DBUILD_TESTING=ON
  cmake --build "$build"
}

native() {
  # gtest suites and the installer test; --no-tests=error so an empty run is a failure.
  ctest --test-dir "$build" --output-on-failure --no-tests=error -j2
}

shell_lint() {
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

js() {
  # Pure extension modules (chunking, URLs, messages, i18n, the build) under node's runner.
  node --test tests/js/
}

webext_lint() {
  node_deps
  npx --no-install web-ext lint --source-dir "$build/extension/firefox" --self-hosted --warnings-as-errors
}

e2e() {
  node_deps
  # One browser at a time: each test file launches its own headless Chromium.
  local -a files
  mapfile -t files < <(find tests/e2e -maxdepth 1 -name '*.test.mjs' ! -name '*firefox.test.mjs' | sort)
  LINKSNAP_BUILD_DIR=$build node --test --test-concurrency=1 --test-timeout=180000 "${files[@]}"
}

firefox() {
  # The Firefox ESR suite (puppeteer-core over WebDriver BiDi).
  node_deps
  LINKSNAP_BUILD_DIR=$build node --test --test-concurrency=1 --test-timeout=180000 tests/e2e/firefox.test.mjs tests/e2e/*.firefox.test.mjs
}

reliability() {
  # Short passes of the hardening scripts (docs/reliability.md has the long-run commands):
  # SIGKILL mid-save and several hosts on one store.
  python3 tests/reliability/kill_test.py --build "$build" --kills 40
  python3 tests/reliability/concurrency_test.py --build "$build" --hosts 3 --seconds 15
}

fuzz() {
  # A short pass of every libFuzzer target (built with clang in its own directory).
  tests/fuzz/run.sh "${LINKSNAP_FUZZ_SECONDS:-15}"
}

hostile() {
  # A loopback server that attacks add and the host (tests/hostile/); CI adds the long pass.
  python3 tests/hostile/hostile_test.py --build "$build"
  [[ ${CI:-} != true ]] || python3 tests/hostile/hostile_test.py --build "$build" --long
}

preflight
echo "==> build"
configure_and_build
for suite in "${suites[@]}"; do
  if wanted "$suite"; then
    echo "==> $suite"
    "$suite"
  else
    echo "==> $suite: skipped on request"
  fi
done
if ((${#skipped[@]})); then
  echo "==> all tests passed, except the suites skipped on request: ${skipped[*]}"
else
  echo "==> all tests passed"
fi
