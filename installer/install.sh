#!/usr/bin/env bash
# Builds LinkSnap, installs `linksnap` and `linksnap-host`, and registers the host with
# every supported browser. Safe to run again: the second run changes nothing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOF
Usage: installer/install.sh [options]

Installs the Debian build dependencies, builds LinkSnap, installs linksnap and
linksnap-host into PREFIX/bin, their modules into PREFIX/lib/linksnap, and writes the
native messaging host manifest ($LINKSNAP_MANIFEST_FILE) for each browser.

Options:
  --prefix DIR        install binaries into DIR/bin (default ~/.local, or /usr/local with --system)
  --system            write manifests system-wide (/etc/..., /usr/lib/mozilla/...) instead of per user
  --no-deps           do not check or install Debian packages
  --deps-only         install the Debian packages, then stop
  --test-deps         install what tests/run.sh needs as well (browsers, shellcheck, node
                      and the npm modules in package-lock.json), then stop
  --no-build          do not configure or build; install from an existing build directory
  --build-dir DIR     CMake build directory (default <repo>/build, shared with tests/run.sh)
  --bin-dir DIR       install prebuilt linksnap, linksnap-host and their modules (*.so, in DIR
                      or DIR/../lib/linksnap) from DIR (implies --no-build)
  --browsers LIST     comma-separated subset of: $(browser_ids | paste -sd, -) (default: all)
  --extension-id ID   Chromium extension id allowed to start the host
                      (default from extension/EXTENSION_ID: $(default_extension_id))
  --refresh-timer     also add a systemd user timer that runs 'linksnap refresh --due' daily
                      (links whose schedule is due are taken again; per user, not with --system)
  -h, --help          show this help

Without --system nothing outside PREFIX and your home directory is written.
Root (through sudo when not root) is needed only to install missing packages and for --system.
EOF
}

prefix="" system=false deps=true deps_only=false test_deps=false build=true
build_dir=$LINKSNAP_REPO/build bin_dir="" browsers="" extension_id="" refresh_timer=false
while (($#)); do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a directory}; shift ;;
    --system) system=true ;;
    --no-deps) deps=false ;;
    --deps-only) deps_only=true ;;
    --test-deps) deps_only=true test_deps=true ;;
    --no-build) build=false ;;
    --build-dir) build_dir=${2:?--build-dir needs a directory}; shift ;;
    --bin-dir) bin_dir=${2:?--bin-dir needs a directory}; build=false; shift ;;
    --browsers) browsers=${2:?--browsers needs a list}; shift ;;
    --extension-id) extension_id=${2:?--extension-id needs an id}; shift ;;
    --refresh-timer) refresh_timer=true ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
  shift
done

# Browsers read manifests as the user: directories and files must be world-readable
# even for a user whose umask is 077 (sudo keeps that umask too).
umask 022

# --- 1. Debian packages -------------------------------------------------------------
if $deps_only; then
  $deps || die "--deps-only and --no-deps contradict each other"
  ensure_packages "${LINKSNAP_DEB_PACKAGES[@]}"
  if $test_deps; then
    ensure_packages "${LINKSNAP_TEST_DEB_PACKAGES[@]}"
    command -v npm >/dev/null || ensure_packages nodejs npm
    say npm "ci (the extension's build and test modules)"
    (cd "$LINKSNAP_REPO" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  exit 0
fi
if $deps; then ensure_packages "${LINKSNAP_DEB_PACKAGES[@]}"; fi

# --- Validate the rest before touching anything ---------------------------------------
scope=user
if $system; then scope=system; fi
if [[ -z $prefix ]]; then
  if $system; then prefix=/usr/local; else prefix=$HOME/.local; fi
fi
# Browsers start the host from the manifest's path, so it must be absolute.
prefix=$(realpath -m -- "$prefix")
build_dir=$(realpath -m -- "$build_dir")
if [[ -n $bin_dir ]]; then bin_dir=$(realpath -m -- "$bin_dir"); fi
extension_id=${extension_id:-$(default_extension_id)}
if $refresh_timer && $system; then
  die "--refresh-timer adds a timer for one user: run install.sh --refresh-timer as that user, without --system"
fi
if $refresh_timer && [[ $prefix == *[\"\\]* ]]; then
  die "--refresh-timer: systemd does not run a program whose path has a quote or a backslash ($prefix/bin/linksnap); choose another --prefix"
fi
valid_extension_id "$extension_id" ||
  die "'$extension_id' is not a Chromium extension id (32 letters a-p)"

declare -a selected=()
if [[ -n $browsers ]]; then
  IFS=', ' read -r -a selected <<<"$browsers"
  for id in "${selected[@]}"; do
    browser_lookup "$id" || die "unknown browser '$id' (known: $(browser_ids | paste -sd' ' -))"
  done
else
  mapfile -t selected < <(browser_ids)
fi

if ((EUID == 0)) && [[ -n ${SUDO_USER:-} ]] && ! $system; then
  say note "running as root through sudo: user-level manifests go to $HOME, not to $SUDO_USER's home"
fi

# Fail before changing anything when root is needed and there is no way to get it.
needs_sudo=false
for id in "${selected[@]}"; do
  for dir in "$prefix/bin" "$prefix/$LINKSNAP_MODULE_DIR" "$(manifest_dir "$id" "$scope")"; do
    via=$(sudo_for "$dir")  # an assignment, so set -e sees its failure
    if [[ -n $via ]]; then needs_sudo=true; fi
  done
done
if $needs_sudo; then say note "writing under $prefix or the browsers' system directories needs root: using sudo"; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- 2. Configure and build -----------------------------------------------------------
if $build; then
  # The build directory is shared with tests/run.sh and CI, so an existing configuration
  # is kept as it is (forcing Release or BUILD_TESTING=OFF would rebuild everything or
  # hide the tests). A fresh one is configured for Release.
  configure_args=()
  if [[ -f $build_dir/CMakeCache.txt ]]; then
    say configure "$build_dir (keeping its settings)"
  else
    say configure "$build_dir (new, Release)"
    configure_args=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
  fi
  cmake --log-level=WARNING -S "$LINKSNAP_REPO" -B "$build_dir" "${configure_args[@]}"
  # Build what is installed, not the test suites.
  targets=(linksnap linksnap-host)
  if grep -q '^LINKSNAP_BUILD_EXTENSION:BOOL=ON$' "$build_dir/CMakeCache.txt"; then
    targets+=(linksnap_extension)
  fi
  say build "${targets[*]}"
  cmake --build "$build_dir" --target "${targets[@]}"
fi

# --- 3. Binaries --------------------------------------------------------------------
if [[ -z $bin_dir ]]; then
  # Stage through the project's own install rules, so this script does not need to
  # know where the build puts executables.
  [[ -f $build_dir/CMakeCache.txt ]] ||
    die "no build in $build_dir: run without --no-build, or pass --bin-dir"
  cmake --install "$build_dir" --prefix "$work/stage" >/dev/null
  bin_dir=$work/stage/bin
fi
for bin in "${LINKSNAP_BINARIES[@]}"; do
  [[ -x $bin_dir/$bin ]] || die "$bin_dir/$bin is missing or not executable"
done
# The build tree has the modules next to the binaries, an installed tree in ../lib/linksnap.
declare -a module_srcs=()
for module in "${LINKSNAP_MODULES[@]}"; do
  src=$bin_dir/$module
  [[ -f $src ]] || src=$bin_dir/../$LINKSNAP_MODULE_DIR/$module
  [[ -f $src ]] ||
    die "$module is missing: not in $bin_dir nor in $(realpath -m -- "$bin_dir/../$LINKSNAP_MODULE_DIR")"
  module_srcs+=("$src")
done
# The modules first: a new binary never starts without the modules it was built with.
for src in "${module_srcs[@]}"; do
  install_file 0644 "$src" "$prefix/$LINKSNAP_MODULE_DIR/${src##*/}"
  say "$INSTALL_RESULT" "$prefix/$LINKSNAP_MODULE_DIR/${src##*/}"
done
for bin in "${LINKSNAP_BINARIES[@]}"; do
  install_file 0755 "$bin_dir/$bin" "$prefix/bin/$bin"
  say "$INSTALL_RESULT" "$prefix/bin/$bin"
done
host_path=$prefix/bin/linksnap-host

# --- 4. Host manifests ----------------------------------------------------------------
declare -A written=()  # manifest path -> browser that wrote it (Brave shares Chromium's system file)
for id in "${selected[@]}"; do
  browser_lookup "$id"  # sets BROWSER_FAMILY and BROWSER_LABEL
  dir=$(manifest_dir "$id" "$scope")
  manifest=$dir/$LINKSNAP_MANIFEST_FILE
  if [[ -n ${written[$manifest]:-} ]]; then
    say shared "$manifest ($BROWSER_LABEL reads ${written[$manifest]}'s file)"
    continue
  fi
  render_manifest "$BROWSER_FAMILY" "$host_path" "$extension_id" "$LINKSNAP_GECKO_ID" >"$work/$id.json"
  install_file 0644 "$work/$id.json" "$manifest"
  say "$INSTALL_RESULT" "$manifest ($BROWSER_LABEL)"
  written[$manifest]=$BROWSER_LABEL
done

# --- 5. The refresh timer (opt-in) -----------------------------------------------------
if $refresh_timer; then
  units=$(user_unit_dir)
  render_refresh_service "$prefix/bin/linksnap" >"$work/linksnap-refresh.service"
  render_refresh_timer >"$work/linksnap-refresh.timer"
  changed=false
  for unit in "${LINKSNAP_TIMER_UNITS[@]}"; do
    install_file 0644 "$work/$unit" "$units/$unit"
    say "$INSTALL_RESULT" "$units/$unit"
    if [[ $INSTALL_RESULT == installed ]]; then changed=true; fi
  done
  if user_systemd_running; then
    if $changed; then systemctl --user daemon-reload; fi
    if ! systemctl --user is-enabled --quiet linksnap-refresh.timer 2>/dev/null; then
      systemctl --user enable --now linksnap-refresh.timer >/dev/null 2>&1 ||
        die "could not enable linksnap-refresh.timer: try systemctl --user enable --now linksnap-refresh.timer"
      say enabled "linksnap-refresh.timer (runs 'linksnap refresh --due' daily)"
    fi
  else
    say note "no user service manager answers here: enable the timer later with systemctl --user enable --now linksnap-refresh.timer"
  fi
fi

# --- 6. What to do next ---------------------------------------------------------------
if [[ ":$PATH:" != *":$prefix/bin:"* ]]; then
  say note "$prefix/bin is not on PATH: browsers do not need it, the linksnap CLI does"
fi
if [[ -n $(missing_packages "${LINKSNAP_OPTIONAL_DEB_PACKAGES[@]}" 2>/dev/null) ]]; then
  say optional "chromium is not installed: \`linksnap add --render\` (pages written by script) needs it: sudo apt-get install chromium"
fi
extension_note() { [[ -e $1 ]] || printf ' (not built yet)'; }
cat <<EOF

The host only answers the extension with id $extension_id (Chromium family)
or $LINKSNAP_GECKO_ID (Firefox). Load the unpacked extension:
  Chrome, Chromium, Brave, Edge, Vivaldi: open chrome://extensions, turn on Developer mode,
    click "Load unpacked" and pick $build_dir/extension/chromium$(extension_note "$build_dir/extension/chromium")
  Firefox: open about:debugging#/runtime/this-firefox, click "Load Temporary Add-on..."
    and pick $build_dir/extension/firefox/manifest.json$(extension_note "$build_dir/extension/firefox/manifest.json")
EOF
