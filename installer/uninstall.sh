#!/usr/bin/env bash
# Undoes install.sh: removes the binaries, their modules and every host manifest install.sh
# could have written for the chosen scope. The user's snapshots stay unless --purge is given.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOF
Usage: installer/uninstall.sh [options]

Removes linksnap and linksnap-host from PREFIX/bin, their modules from
PREFIX/lib/linksnap, the host manifest
($LINKSNAP_MANIFEST_FILE) of every supported browser: $(browser_ids | paste -sd' ' -),
and the refresh timer (install.sh --refresh-timer) of a user install.

Options:
  --prefix DIR   the prefix given to install.sh (default ~/.local, or /usr/local with --system)
  --system       remove the system-wide manifests instead of the per-user ones
  --purge        also delete your LinkSnap data (links, snapshots, tags): $(data_dir)
  -h, --help     show this help
EOF
}

# The data dir as DESIGN.md defines it: $LINKSNAP_HOME, else $XDG_DATA_HOME/linksnap,
# else ~/.local/share/linksnap.
data_dir() {
  if [[ -n ${LINKSNAP_HOME:-} ]]; then printf '%s\n' "$LINKSNAP_HOME"
  elif [[ ${XDG_DATA_HOME:-} == /* ]]; then printf '%s\n' "$XDG_DATA_HOME/linksnap"
  else printf '%s\n' "$HOME/.local/share/linksnap"; fi
}

prefix="" system=false purge=false
while (($#)); do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a directory}; shift ;;
    --system) system=true ;;
    --purge) purge=true ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
  shift
done

scope=user
if $system; then scope=system; fi
if [[ -z $prefix ]]; then
  if $system; then prefix=/usr/local; else prefix=$HOME/.local; fi
fi
prefix=$(realpath -m -- "$prefix")

removed=0
for bin in "${LINKSNAP_BINARIES[@]}"; do
  remove_file "$prefix/bin/$bin"
  if [[ $REMOVE_RESULT == removed ]]; then say removed "$prefix/bin/$bin"; removed=$((removed + 1)); fi
done
for module in "${LINKSNAP_MODULES[@]}"; do
  remove_file "$prefix/$LINKSNAP_MODULE_DIR/$module"
  if [[ $REMOVE_RESULT == removed ]]; then
    say removed "$prefix/$LINKSNAP_MODULE_DIR/$module"
    removed=$((removed + 1))
  fi
done
# Only our own directory: PREFIX/lib may hold anything else.
if [[ -d $prefix/$LINKSNAP_MODULE_DIR && -z $(ls -A "$prefix/$LINKSNAP_MODULE_DIR") ]]; then
  as_needed "$(dirname "$prefix/$LINKSNAP_MODULE_DIR")" rmdir "$prefix/$LINKSNAP_MODULE_DIR"
fi

# Every browser, not only the ones given to install.sh --browsers: we cannot know them.
declare -A seen=()
while read -r id; do
  browser_lookup "$id"  # sets BROWSER_LABEL
  dir=$(manifest_dir "$id" "$scope")
  manifest=$dir/$LINKSNAP_MANIFEST_FILE
  [[ -z ${seen[$manifest]:-} ]] || continue
  seen[$manifest]=1
  remove_file "$manifest"
  if [[ $REMOVE_RESULT == removed ]]; then
    say removed "$manifest ($BROWSER_LABEL)"
    removed=$((removed + 1))
  fi
  # Directories install.sh created for browsers that are not installed.
  prune_empty_dirs "$dir"
done < <(browser_ids)

# The refresh timer (install.sh --refresh-timer) is per user: only a user uninstall has it.
if ! $system; then
  units=$(user_unit_dir)
  if [[ -e $units/linksnap-refresh.timer ]] && user_systemd_running; then
    systemctl --user disable --now linksnap-refresh.timer >/dev/null 2>&1 || true
  fi
  for unit in "${LINKSNAP_TIMER_UNITS[@]}"; do
    remove_file "$units/$unit"
    if [[ $REMOVE_RESULT == removed ]]; then say removed "$units/$unit"; removed=$((removed + 1)); fi
  done
  prune_empty_dirs "$units"
  if user_systemd_running; then systemctl --user daemon-reload >/dev/null 2>&1 || true; fi
fi

data=$(data_dir)
if $purge; then
  # A guard against LINKSNAP_HOME pointing somewhere that is not LinkSnap's own directory.
  [[ ${data,,} == *linksnap* ]] ||
    die "refusing to purge '$data': its name does not contain 'linksnap'; delete it yourself"
  if [[ -e $data ]]; then
    rm -rf -- "$data"
    say removed "$data (your LinkSnap data)"
    removed=$((removed + 1))
  fi
elif [[ -e $data ]]; then
  say kept "$data (your LinkSnap data; --purge deletes it)"
fi

if ((removed == 0)); then say nothing "to remove for $scope scope with prefix $prefix"; fi
