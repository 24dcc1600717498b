# shellcheck shell=bash disable=SC2034  # the variables here are read by the scripts that source it
# Shared by install.sh, uninstall.sh, .ci/run and tests: the browser table, the
# dependency list and small helpers. Sourced, never run; callers set -euo pipefail.

LINKSNAP_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LINKSNAP_HOST_NAME=org.linksnap.host
LINKSNAP_MANIFEST_FILE=$LINKSNAP_HOST_NAME.json
# Firefox identifies the extension by this id (browser_specific_settings.gecko.id);
# the Firefox extension manifest must use the same string.
LINKSNAP_GECKO_ID=linksnap@linksnap.org
LINKSNAP_BINARIES=(linksnap linksnap-host)
# Plugin modules the binaries load on first use (libcurl, poppler, libxml2, libarchive), in
# PREFIX/lib/linksnap: the binaries look there, relative to themselves (src/modules/module.h).
LINKSNAP_MODULES=(linksnap-curl.so linksnap-pdf.so linksnap-xml.so linksnap-archive.so)
LINKSNAP_MODULE_DIR=lib/linksnap

# Debian 12 packages needed to build and test.
LINKSNAP_DEB_PACKAGES=(build-essential cmake ninja-build pkg-config nlohmann-json3-dev
  libcurl4-openssl-dev libsqlite3-dev libboost-filesystem-dev libgtest-dev libgmock-dev
  libgumbo-dev libuchardet-dev libcli11-dev libssl-dev zlib1g-dev clang libclang-rt-14-dev
  python3 libdtl-dev libxml2-dev libpoppler-cpp-dev libarchive-dev)

# What the test suites need beyond the build (install.sh --test-deps): Debian's browsers for
# the end-to-end suites (never a downloaded one), a CJK font (without one Chromium draws the
# zh_CN screens and Chinese test pages as boxes) and shellcheck for the lint. Node and npm
# (the extension's build, unit tests and drivers) are installed only when missing: a
# machine may have them from elsewhere, and Debian's npm would conflict with that node.
LINKSNAP_TEST_DEB_PACKAGES=(chromium firefox-esr fonts-wqy-microhei shellcheck)
# Optional: `linksnap add --render` (and --render=auto) runs headless Chromium for pages
# that scripts write; everything else works without it.
LINKSNAP_OPTIONAL_DEB_PACKAGES=(chromium)

# Where each browser looks for native messaging host manifests on Linux, in one table
# (like KeePassXC's NativeMessageInstaller.cpp). {config} is $XDG_CONFIG_HOME or
# ~/.config, where Chromium-family browsers keep their profiles; Firefox ignores XDG
# here and reads ~/.mozilla even in 147+. System-wide: Chromium's source uses
# /etc/opt/chrome for Google-branded builds and /etc/chromium for every other build;
# brave-core does not override it, so Brave shares Chromium's file.
#
# id        family    user-level directory                          system-wide directory                     label
read -r -d '' LINKSNAP_BROWSER_TABLE <<'EOF' || true
chrome      chromium  {config}/google-chrome/NativeMessagingHosts          /etc/opt/chrome/native-messaging-hosts    Google Chrome
chromium    chromium  {config}/chromium/NativeMessagingHosts               /etc/chromium/native-messaging-hosts      Chromium
brave       chromium  {config}/BraveSoftware/Brave-Browser/NativeMessagingHosts /etc/chromium/native-messaging-hosts Brave
edge        chromium  {config}/microsoft-edge/NativeMessagingHosts         /etc/opt/edge/native-messaging-hosts      Microsoft Edge
vivaldi     chromium  {config}/vivaldi/NativeMessagingHosts                /etc/opt/vivaldi/native-messaging-hosts   Vivaldi
firefox     firefox   {home}/.mozilla/native-messaging-hosts               /usr/lib/mozilla/native-messaging-hosts   Firefox
EOF

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# One line per action: "<verb> <object>", verbs padded so the objects line up.
say() { printf '%-10s %s\n' "$1" "${*:2}"; }

# All browser ids, in table order.
browser_ids() {
  local id _
  while read -r id _; do printf '%s\n' "$id"; done <<<"$LINKSNAP_BROWSER_TABLE"
}

# browser_lookup ID: sets BROWSER_FAMILY, BROWSER_USER_DIR, BROWSER_SYSTEM_DIR and
# BROWSER_LABEL (unexpanded); fails for an unknown id.
browser_lookup() {
  local id family user system label
  while read -r id family user system label; do
    if [[ $id == "$1" ]]; then
      BROWSER_FAMILY=$family BROWSER_USER_DIR=$user BROWSER_SYSTEM_DIR=$system BROWSER_LABEL=$label
      return 0
    fi
  done <<<"$LINKSNAP_BROWSER_TABLE"
  return 1
}

# $XDG_CONFIG_HOME if set and absolute (the spec says to ignore relative ones), else ~/.config.
config_home() {
  if [[ ${XDG_CONFIG_HOME:-} == /* ]]; then printf '%s\n' "$XDG_CONFIG_HOME"
  else printf '%s\n' "$HOME/.config"; fi
}

# manifest_dir ID user|system: the directory the browser reads. LINKSNAP_SYSTEM_ROOT
# prefixes system directories; only tests set it, so they never touch the real /etc.
manifest_dir() {
  browser_lookup "$1" || die "unknown browser '$1'"
  if [[ $2 == system ]]; then
    printf '%s\n' "${LINKSNAP_SYSTEM_ROOT:-}$BROWSER_SYSTEM_DIR"
  else
    local dir=${BROWSER_USER_DIR//\{config\}/$(config_home)}
    printf '%s\n' "${dir//\{home\}/$HOME}"
  fi
}

# Escapes a string for use inside a JSON string literal; refuses control characters
# (a path with a newline is a mistake, not something to encode).
json_escape() {
  local s=$1
  [[ $s != *[[:cntrl:]]* ]] || die "refusing a control character in '$s'"
  s=${s//\\/\\\\}
  printf '%s\n' "${s//\"/\\\"}"
}

# render_manifest FAMILY HOST_PATH EXTENSION_ID GECKO_ID: the host manifest for one
# browser family, from manifests/<family>.json.in.
render_manifest() {
  local template=$LINKSNAP_REPO/manifests/$1.json.in text host
  [[ -f $template ]] || die "missing template $template"
  [[ $2 == /* ]] || die "the host path must be absolute, got '$2'"
  text=$(<"$template")
  host=$(json_escape "$2")
  # Quoted replacements: bash 5.2 would otherwise expand '&' to the matched text.
  text=${text//@HOST_PATH@/"$host"}
  text=${text//@EXTENSION_ID@/"$3"}
  text=${text//@GECKO_ID@/"$4"}
  [[ $text != *@[A-Z_]*@* ]] || die "$template has a placeholder this installer does not fill"
  printf '%s\n' "$text"
}

# Chromium extension ids are 32 letters a-p (a SHA-256 prefix spelled in a-p).
valid_extension_id() { [[ $1 =~ ^[a-p]{32}$ ]]; }

# The pinned id, from extension/EXTENSION_ID (derived from the key in manifest.json).
default_extension_id() {
  local file=$LINKSNAP_REPO/extension/EXTENSION_ID id
  [[ -f $file ]] || die "missing $file"
  read -r id <"$file" || true
  printf '%s\n' "$id"
}

# Prints "sudo" when writing under PATH needs it: we are not root and the nearest
# existing ancestor is not writable. Empty output means run the command directly.
sudo_for() {
  local path=$1
  ((EUID == 0)) && return 0
  while [[ ! -e $path ]]; do path=$(dirname "$path"); done
  [[ -w $path ]] && return 0
  command -v sudo >/dev/null || die "need root to write under $1 and sudo is not installed"
  printf 'sudo\n'
}

# as_needed PATH CMD...: runs CMD, with sudo if writing under PATH requires it.
as_needed() {
  local path=$1 sudo
  shift
  sudo=$(sudo_for "$path")
  if [[ -n $sudo ]]; then sudo -- "$@"; else "$@"; fi
}

# install_file MODE SRC DEST: copies SRC to DEST through a temporary file in DEST's
# directory and a rename, so a browser never reads a half-written manifest and a
# running host binary is replaced, not overwritten. Sets INSTALL_RESULT to
# "installed" or "unchanged" (a global, not a status code: `if install_file` would
# switch off set -e inside it).
install_file() {
  local mode=$1 src=$2 dest=$3 dir tmp
  dir=$(dirname "$dest")
  if [[ -f $dest && ! -L $dest ]] && cmp -s "$src" "$dest" &&
     [[ $(stat -c %a "$dest") == "${mode#0}" ]]; then
    INSTALL_RESULT=unchanged
    return 0
  fi
  as_needed "$dir" mkdir -p "$dir"
  tmp=$dir/.${dest##*/}.tmp.$$
  as_needed "$dir" install -m "$mode" "$src" "$tmp"
  as_needed "$dir" mv -f "$tmp" "$dest"
  INSTALL_RESULT=installed
}

# remove_file PATH: removes PATH if present. Sets REMOVE_RESULT to removed|absent.
remove_file() {
  if [[ -e $1 || -L $1 ]]; then
    as_needed "$1" rm -f "$1"
    REMOVE_RESULT=removed
  else
    REMOVE_RESULT=absent
  fi
}

# prune_empty_dirs DIR: removes DIR and then its parents while they are empty, stopping
# at directories that belong to the system or the user rather than to one browser.
prune_empty_dirs() {
  local dir=$1 root=${LINKSNAP_SYSTEM_ROOT:-}
  local -a keep=("/" "$HOME" "$(config_home)" "$root" "$root/etc" "$root/etc/opt"
                 "$root/usr" "$root/usr/lib")
  while [[ -d $dir ]]; do
    local k
    for k in "${keep[@]}"; do [[ $dir == "${k%/}" || $dir == / ]] && return 0; done
    [[ -z $(ls -A "$dir") ]] || return 0
    # An empty directory a Debian package ships (say /usr/lib/mozilla) is not ours. Only
    # the real system directories can be; the check costs 0.2 s per directory.
    if [[ -z $root && $dir != "$HOME"/* ]] && command -v dpkg-query >/dev/null &&
       dpkg-query -S "$dir" >/dev/null 2>&1; then
      return 0
    fi
    as_needed "$dir" rmdir "$dir"
    dir=$(dirname "$dir")
  done
}

# Debian packages from the list that are not installed.
missing_packages() {
  local pkg
  for pkg in "$@"; do
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null) == "ii " ]] ||
      printf '%s\n' "$pkg"
  done
}

# ensure_packages PKG...: installs the missing ones with apt-get (through sudo when not
# root), running `apt-get update` only when something must be installed.
ensure_packages() {
  command -v dpkg-query >/dev/null ||
    die "not a Debian system: install ${*} yourself, then rerun with --no-deps"
  local -a missing sudo=()
  mapfile -t missing < <(missing_packages "$@")
  if ((${#missing[@]} == 0)); then
    say present "Debian packages already installed: $*"
    return 0
  fi
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "need root to install: ${missing[*]} (or rerun with --no-deps)"
    sudo=(sudo)
  fi
  say apt-get "update"
  "${sudo[@]}" apt-get update -qq
  say apt-get "install ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# --- The refresh timer (install.sh --refresh-timer) -------------------------------------
# A systemd *user* timer that runs `linksnap refresh --due` daily: the host is no daemon, so
# without the browser open nothing else takes the links whose schedule is due.
LINKSNAP_TIMER_UNITS=(linksnap-refresh.service linksnap-refresh.timer)

user_unit_dir() { printf '%s\n' "$(config_home)/systemd/user"; }

# systemd_quote WORD: WORD as one double-quoted ExecStart argument (systemd.service(5):
# backslash and quote escaped, % and $ doubled so neither is expanded).
systemd_quote() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//%/%%}
  s=${s//\$/\$\$}
  printf '"%s"' "$s"
}

# render_refresh_service LINKSNAP_PATH / render_refresh_timer: the two unit files.
render_refresh_service() {
  cat <<UNIT
[Unit]
Description=LinkSnap: refresh the saved links whose schedule is due

[Service]
Type=oneshot
ExecStart=$(systemd_quote "$1") refresh --due
Nice=10
IOSchedulingClass=idle
# A run takes each link at most once; a capture is bounded at 60 s.
TimeoutStartSec=6h
UNIT
}

render_refresh_timer() {
  cat <<'UNIT'
[Unit]
Description=Daily LinkSnap refresh of the links whose schedule is due

[Timer]
OnCalendar=daily
RandomizedDelaySec=1h
# A day the machine was off is made up at the next start.
Persistent=true

[Install]
WantedBy=timers.target
UNIT
}

# True when a user service manager answers, and this is not a test run against a fake
# system root (LINKSNAP_SYSTEM_ROOT): only then is the timer enabled or disabled.
user_systemd_running() {
  [[ -z ${LINKSNAP_SYSTEM_ROOT:-} ]] && command -v systemctl >/dev/null &&
    systemctl --user show-environment >/dev/null 2>&1
}
