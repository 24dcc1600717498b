#!/usr/bin/env bash
# Runs installer/install.sh and installer/uninstall.sh against a temporary HOME, prefix
# and system root (LINKSNAP_SYSTEM_ROOT), installing the given prebuilt binaries.
# Usage: installer_test.sh REPO_ROOT PATH_OF_linksnap PATH_OF_linksnap-host
set -euo pipefail

repo=${1:?usage: installer_test.sh REPO_ROOT LINKSNAP LINKSNAP_HOST}
cli=${2:?usage: installer_test.sh REPO_ROOT LINKSNAP LINKSNAP_HOST}
host=${3:?usage: installer_test.sh REPO_ROOT LINKSNAP LINKSNAP_HOST}
# Through bash, so the test does not depend on the scripts' executable bits.
install=(bash "$repo/installer/install.sh")
uninstall=(bash "$repo/installer/uninstall.sh")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
section() { printf '\n== %s\n' "$*"; }

# run CMD...: runs CMD with its output in $tmp/out; a failure ends the test with it.
run() {
  if ! "$@" >"$tmp/out" 2>&1; then
    cat "$tmp/out" >&2
    printf 'FAIL: command failed: %s\n' "$*" >&2
    exit 1
  fi
}

# run_fails WHY CMD...: CMD must exit non-zero (a refused option, say).
run_fails() {
  local why=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then fail "$why: '$*' succeeded"; fi
}

# A listing of a tree with modes, sizes, contents and file mtimes: two equal snapshots
# mean a run neither changed nor rewrote anything.
snapshot() {
  [[ -d $1 ]] || return 0
  (cd "$1" && find . -printf '%y %m %s %p\n' | sort &&
   find . -type f -printf '%T@ %p\n' | sort && find . -type f -exec sha256sum {} + | sort)
}

# check_manifest FILE FAMILY HOST_PATH ORIGIN_OR_GECKO_ID: FILE is strict JSON with exactly
# the fields its browser family reads. Perl's JSON::PP is used because perl is on every
# machine that has build-essential, and python3 or jq may not be.
check_manifest() {
  [[ -f $1 ]] || { fail "missing manifest $1"; return 0; }
  local why
  if ! why=$(perl -MJSON::PP -e '
      my ($file, $family, $path, $allowed) = @ARGV;
      open my $fh, "<", $file or die "cannot read: $!\n";
      my $m = eval { JSON::PP->new->decode(do { local $/; <$fh> }) };
      die "not valid JSON: $@" unless ref $m eq "HASH";
      my $list = $family eq "firefox" ? "allowed_extensions" : "allowed_origins";
      my @want = sort("name", "description", "path", "type", $list);
      my @have = sort keys %$m;
      my @err;
      push @err, "keys are [@have], want [@want]" unless "@have" eq "@want";
      push @err, "name is \"$m->{name}\"" unless $m->{name} eq "org.linksnap.host";
      push @err, "type is \"$m->{type}\"" unless $m->{type} eq "stdio";
      push @err, "path is \"$m->{path}\", want \"$path\"" unless $m->{path} eq $path;
      push @err, "path is not absolute" unless $m->{path} =~ m{^/};
      my $got = JSON::PP->new->encode($m->{$list} // []);
      my $exp = JSON::PP->new->encode([$allowed]);
      push @err, "$list is $got, want $exp" unless $got eq $exp;
      die join("; ", @err) . "\n" if @err;
    ' "$@" 2>&1); then
    fail "$1: $why"
  fi
}

# Expected per-browser locations, written out here rather than read from lib.sh so that
# an accidental change to the installer's table fails this test.
user_manifests() {
  local c=$1/.config
  printf '%s\n' \
    "chromium $c/google-chrome/NativeMessagingHosts/org.linksnap.host.json" \
    "chromium $c/chromium/NativeMessagingHosts/org.linksnap.host.json" \
    "chromium $c/BraveSoftware/Brave-Browser/NativeMessagingHosts/org.linksnap.host.json" \
    "chromium $c/microsoft-edge/NativeMessagingHosts/org.linksnap.host.json" \
    "chromium $c/vivaldi/NativeMessagingHosts/org.linksnap.host.json" \
    "firefox $1/.mozilla/native-messaging-hosts/org.linksnap.host.json"
}
system_manifests() {
  printf '%s\n' \
    "chromium $1/etc/opt/chrome/native-messaging-hosts/org.linksnap.host.json" \
    "chromium $1/etc/chromium/native-messaging-hosts/org.linksnap.host.json" \
    "chromium $1/etc/opt/edge/native-messaging-hosts/org.linksnap.host.json" \
    "chromium $1/etc/opt/vivaldi/native-messaging-hosts/org.linksnap.host.json" \
    "firefox $1/usr/lib/mozilla/native-messaging-hosts/org.linksnap.host.json"
}

# check_all LISTING HOST_PATH EXTENSION_ID: every manifest in LISTING is right.
check_all() {
  local family file
  while read -r family file; do
    if [[ $family == firefox ]]; then check_manifest "$file" firefox "$2" linksnap@linksnap.org
    else check_manifest "$file" chromium "$2" "chrome-extension://$3/"; fi
  done <<<"$1"
}

check_binaries() {  # check_binaries PREFIX: both binaries and the modules installed, identical
  local pair bin src module
  for pair in "linksnap:$cli" "linksnap-host:$host"; do
    bin=${pair%%:*} src=${pair#*:}
    [[ -x $1/bin/$bin ]] || { fail "$1/bin/$bin is missing or not executable"; continue; }
    cmp -s "$src" "$1/bin/$bin" || fail "$1/bin/$bin differs from $src"
  done
  for module in "${modules[@]}"; do
    cmp -s "$module_dir/$module" "$1/lib/linksnap/$module" ||
      fail "$1/lib/linksnap/$module is missing or differs from $module_dir/$module"
  done
  # The installed linksnap finds its modules in ../lib/linksnap: a backup loads libarchive's.
  if ! LINKSNAP_HOME=$tmp/backup-home "$1/bin/linksnap" backup "$tmp/backup.tar" >"$tmp/backup.out" 2>&1; then
    fail "the installed linksnap could not back up (its modules?): $(cat "$tmp/backup.out")"
  fi
  rm -rf "$tmp/backup-home" "$tmp/backup.tar"
}

no_leftovers() {  # no_leftovers DIR: no temporary files from an interrupted atomic write
  local left
  left=$(find "$1" -name '.*.tmp.*' 2>/dev/null)
  [[ -z $left ]] || fail "temporary files left behind: $left"
}

# Isolate from the developer's environment: nothing here may reach the real home or /etc.
export HOME=$tmp/home
unset XDG_CONFIG_HOME XDG_DATA_HOME LINKSNAP_HOME
export LINKSNAP_SYSTEM_ROOT=$tmp/root
mkdir -p "$HOME"
bins=$tmp/bins  # --bin-dir wants both binaries in one directory
mkdir -p "$bins"
cp "$cli" "$bins/linksnap"
cp "$host" "$bins/linksnap-host"
# The modules, next to the binaries as in the build tree.
module_dir=$(dirname "$cli")
modules=(linksnap-curl.so linksnap-pdf.so linksnap-xml.so linksnap-archive.so)
for module in "${modules[@]}"; do cp "$module_dir/$module" "$bins/"; done
# Spaces, quotes, a backslash and an '&' check that paths are quoted and JSON-escaped.
prefix=$tmp'/my "pre\fix" & co'
host_path=$prefix/bin/linksnap-host
id=$(head -n1 "$repo/extension/EXTENSION_ID")
common=(--no-deps --bin-dir "$bins")

section "the pinned extension id matches the key in extension/manifest.chromium.json"
key=$(perl -MJSON::PP -0777 -ne 'print JSON::PP->new->decode($_)->{key}' "$repo/extension/manifest.chromium.json")
derived=$(printf '%s' "$key" | base64 -d | sha256sum | head -c32 | tr '0-9a-f' 'a-p')
[[ $id =~ ^[a-p]{32}$ ]] || fail "extension/EXTENSION_ID holds '$id', not an extension id"
[[ $derived == "$id" ]] || fail "extension/EXTENSION_ID is $id but the key in manifest.chromium.json gives $derived"

section "user install writes a manifest for every browser"
run "${install[@]}" "${common[@]}" --prefix "$prefix"
cat "$tmp/out"
check_binaries "$prefix"
check_all "$(user_manifests "$HOME")" "$host_path" "$id"
no_leftovers "$HOME"
[[ ! -e $LINKSNAP_SYSTEM_ROOT ]] || fail "a user install wrote system-wide files under $LINKSNAP_SYSTEM_ROOT"
grep -q 'chrome://extensions' "$tmp/out" || fail "install.sh did not say how to load the extension"

section "--bin-dir without a module is refused before anything is written"
partial=$tmp/partial-bins
mkdir -p "$partial"
cp "$bins"/linksnap "$bins"/linksnap-host "$bins"/linksnap-curl.so "$partial/"
run_fails "a --bin-dir without linksnap-pdf.so" "${install[@]}" --no-deps --bin-dir "$partial" --prefix "$tmp/p5"
grep -qxF "error: linksnap-pdf.so is missing: not in $partial nor in $tmp/lib/linksnap" "$tmp/out" ||
  fail "no clear reason given: $(cat "$tmp/out")"
[[ ! -e $tmp/p5 ]] || fail "a refused install still wrote $(find "$tmp/p5")"

section "a second user install changes nothing"
before=$(snapshot "$HOME"; snapshot "$prefix")
run "${install[@]}" "${common[@]}" --prefix "$prefix"
after=$(snapshot "$HOME"; snapshot "$prefix")
[[ $before == "$after" ]] || fail "the second run changed files: $(diff <(echo "$before") <(echo "$after"))"
if grep -q '^installed' "$tmp/out"; then fail "the second run reported installing: $(grep '^installed' "$tmp/out")"; fi

section "--refresh-timer writes a systemd user timer running 'linksnap refresh --due' daily"
[[ ! -e $HOME/.config/systemd ]] || fail "an install without --refresh-timer wrote $HOME/.config/systemd"
# Its own HOME and prefix: systemd runs no program whose path has a quote or a backslash,
# but spaces, '&' and '%' must be quoted and escaped right.
timer_home=$tmp/timer-home timer_prefix="$tmp/timer pre & 100%"
mkdir -p "$timer_home"
run_fails "--refresh-timer with a prefix systemd cannot run is refused" \
  env HOME="$timer_home" "${install[@]}" "${common[@]}" --prefix "$prefix" --refresh-timer
grep -q -- "--refresh-timer: systemd does not run a program whose path has a quote" "$tmp/out" ||
  fail "no reason given: $(cat "$tmp/out")"
run_fails "--refresh-timer with --system is refused" \
  env HOME="$timer_home" "${install[@]}" "${common[@]}" --system --prefix "$tmp/p4" --refresh-timer
grep -q -- '--refresh-timer adds a timer for one user' "$tmp/out" || fail "no reason given: $(cat "$tmp/out")"
[[ -z $(ls -A "$timer_home") && ! -e $tmp/p4 ]] || fail "a refused --refresh-timer install still wrote files"
run env HOME="$timer_home" "${install[@]}" "${common[@]}" --prefix "$timer_prefix" --refresh-timer
cat "$tmp/out"
units=$timer_home/.config/systemd/user
service=$units/linksnap-refresh.service timer=$units/linksnap-refresh.timer
[[ -f $service && -f $timer ]] || fail "--refresh-timer did not write $service and $timer"
want_exec="ExecStart=\"$tmp/timer pre & 100%%/bin/linksnap\" refresh --due"
grep -qxF "$want_exec" "$service" || fail "$service: want the line $want_exec, have: $(grep ExecStart "$service")"
grep -qx 'Type=oneshot' "$service" || fail "$service is not a oneshot service"
for line in OnCalendar=daily Persistent=true WantedBy=timers.target; do
  grep -qx "$line" "$timer" || fail "$timer lacks $line"
done
grep -q '^note .*systemctl --user enable --now linksnap-refresh.timer' "$tmp/out" ||
  fail "install.sh did not say how to enable the timer without a user service manager"
if command -v systemd-analyze >/dev/null; then
  # The units as systemd reads them, the ExecStart program included (no running systemd needed).
  if ! systemd-analyze verify "$service" "$timer" >"$tmp/verify" 2>&1; then
    fail "systemd-analyze verify: $(cat "$tmp/verify")"
  fi
else
  echo "skipped: systemd-analyze is not installed, so systemd did not verify the unit files"
fi
before=$(snapshot "$timer_home")
run env HOME="$timer_home" "${install[@]}" "${common[@]}" --prefix "$timer_prefix" --refresh-timer
[[ $before == "$(snapshot "$timer_home")" ]] || fail "a second --refresh-timer install changed files"
run env HOME="$timer_home" "${uninstall[@]}" --prefix "$timer_prefix"
grep -q "^removed .*linksnap-refresh.timer" "$tmp/out" || fail "uninstall did not say it removed the timer"
[[ ! -e $timer_home/.config/systemd ]] || fail "uninstall left the refresh timer: $(find "$timer_home/.config/systemd")"

section "--browsers and --extension-id"
other=$tmp/other-home
mkdir -p "$other"
run env HOME="$other" "${install[@]}" "${common[@]}" --prefix "$tmp/p2" \
  --browsers firefox,chromium --extension-id abcdefghijklmnopabcdefghijklmnop
check_manifest "$other/.mozilla/native-messaging-hosts/org.linksnap.host.json" firefox \
  "$tmp/p2/bin/linksnap-host" linksnap@linksnap.org
check_manifest "$other/.config/chromium/NativeMessagingHosts/org.linksnap.host.json" chromium \
  "$tmp/p2/bin/linksnap-host" chrome-extension://abcdefghijklmnopabcdefghijklmnop/
count=$(find "$other" -name org.linksnap.host.json | wc -l)
((count == 2)) || fail "--browsers firefox,chromium wrote $count manifests, want 2"
run_fails "a malformed extension id is refused" \
  env HOME="$tmp/h3" "${install[@]}" "${common[@]}" --prefix "$tmp/p3" --extension-id NOT-AN-ID
run_fails "an unknown browser is refused" \
  env HOME="$tmp/h3" "${install[@]}" "${common[@]}" --prefix "$tmp/p3" --browsers netscape
[[ ! -e $tmp/h3 && ! -e $tmp/p3 ]] || fail "a refused install still wrote files"

section "system install writes under the system root only"
sysprefix=$tmp/usr-local
home_before=$(snapshot "$HOME")
run "${install[@]}" "${common[@]}" --system --prefix "$sysprefix"
cat "$tmp/out"
check_binaries "$sysprefix"
check_all "$(system_manifests "$LINKSNAP_SYSTEM_ROOT")" "$sysprefix/bin/linksnap-host" "$id"
grep -q '^shared .*Brave' "$tmp/out" || fail "Brave's system manifest was not reported as Chromium's file"
no_leftovers "$LINKSNAP_SYSTEM_ROOT"
[[ $home_before == "$(snapshot "$HOME")" ]] || fail "a system install changed files in HOME"
before=$(snapshot "$LINKSNAP_SYSTEM_ROOT")
run "${install[@]}" "${common[@]}" --system --prefix "$sysprefix"
[[ $before == "$(snapshot "$LINKSNAP_SYSTEM_ROOT")" ]] || fail "a second system install changed files"

section "user uninstall removes binaries and manifests, keeps the data"
data=$HOME/.local/share/linksnap
mkdir -p "$data"
echo "my links" >"$data/linksnap.db"
system_before=$(snapshot "$LINKSNAP_SYSTEM_ROOT")
run "${uninstall[@]}" --prefix "$prefix"
cat "$tmp/out"
for bin in linksnap linksnap-host; do
  [[ ! -e $prefix/bin/$bin ]] || fail "uninstall left $prefix/bin/$bin"
done
[[ ! -e $prefix/lib/linksnap ]] || fail "uninstall left $prefix/lib/linksnap: $(ls -A "$prefix/lib/linksnap")"
left=$(find "$HOME" -name org.linksnap.host.json)
[[ -z $left ]] || fail "uninstall left manifests: $left"
if [[ -d $HOME/.config/google-chrome || -d $HOME/.mozilla ]]; then
  fail "uninstall left the empty browser directories it created"
fi
[[ $(cat "$data/linksnap.db" 2>/dev/null) == "my links" ]] || fail "uninstall touched the data dir"
grep -q "^kept .*$data" "$tmp/out" || fail "uninstall did not say it kept the data dir"
[[ $system_before == "$(snapshot "$LINKSNAP_SYSTEM_ROOT")" ]] || fail "a user uninstall changed system files"
run "${uninstall[@]}" --prefix "$prefix"
if grep -q '^removed' "$tmp/out"; then fail "a second uninstall still removed something"; fi

section "system uninstall"
run "${uninstall[@]}" --system --prefix "$sysprefix"
left=$(find "$LINKSNAP_SYSTEM_ROOT" "$sysprefix" -type f)
[[ -z $left ]] || fail "system uninstall left: $left"

section "--purge deletes the data dir"
run "${uninstall[@]}" --prefix "$prefix" --purge
[[ ! -e $data ]] || fail "--purge left $data"

echo
if ((failures > 0)); then
  echo "installer test: $failures failure(s)" >&2
  exit 1
fi
echo "installer test: all checks passed"
