#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan + coverage) and runs each for a
# bounded time on a seed corpus made from the test fixtures. Any crash, leak, sanitizer
# report or timeout fails the run and leaves the reproducer in build-fuzz/artifacts/.
#   tests/fuzz/run.sh [SECONDS_PER_TARGET [TARGET...]]   (default 60 s, all targets; CI runs a short pass)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-60}
shift || true
only=("$@")  # e.g. fuzz_css fuzz_url: run just these
build=${LINKSNAP_FUZZ_BUILD_DIR:-$repo/build-fuzz}

if [[ ! -f $build/CMakeCache.txt ]]; then
  CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLINKSNAP_FUZZ=ON -DBUILD_TESTING=OFF -DLINKSNAP_BUILD_EXTENSION=OFF
fi
cmake --build "$build" --target linksnap_fuzz_targets

corpus_root=$build/corpus
artifacts=$build/artifacts
mkdir -p "$artifacts"
seed() {  # seed DIR FILE...: copies fixture files in as seeds (a corpus only grows)
  local dir=$corpus_root/$1
  shift
  mkdir -p "$dir"
  for f in "$@"; do cp -n "$f" "$dir/" 2>/dev/null || true; done
}
mapfile -t html < <(find "$repo/tests/fixtures" -name '*.html')
mapfile -t css < <(find "$repo/tests/fixtures" -name '*.css')
seed fuzz_html_text "${html[@]}" "$repo/tests/fuzz/seeds/html_text/"*
seed fuzz_protocol "$repo/tests/fuzz/seeds/protocol/"*
seed fuzz_url "$repo/tests/fuzz/seeds/url/"*
seed fuzz_search_query "$repo/tests/fuzz/seeds/search_query/"*
seed fuzz_tag_name "$repo/tests/fuzz/seeds/tag_name/"*
seed fuzz_html_rewrite "$repo/tests/fuzz/seeds/html_rewrite/"*
seed fuzz_text_diff "$repo/tests/fuzz/seeds/text_diff/"*
seed fuzz_mime_sniff "$repo/tests/fixtures/files/"* "$repo/tests/fuzz/seeds/mime_sniff/"*
seed fuzz_svg_sanitize "$repo/tests/fixtures/files/"*.svg "$repo/tests/fuzz/seeds/svg_sanitize/"*
seed fuzz_bookmarks "$repo/tests/fixtures/bookmarks/"*
seed fuzz_html_budget "${html[@]}" "$repo/tests/fuzz/seeds/html_budget/"*
seed fuzz_link_check "$repo/tests/fuzz/seeds/link_check/"*
seed fuzz_warc "$repo/tests/fuzz/seeds/warc/"*
seed fuzz_pdf_text "$repo/tests/fixtures/files/"*.pdf
for target in "$build"/tests/fuzz/fuzz_*; do
  [[ -x $target ]] || continue
  name=$(basename "$target")
  if ((${#only[@]})) && [[ " ${only[*]} " != *" $name "* ]]; then continue; fi
  [[ -d $corpus_root/$name ]] || mkdir -p "$corpus_root/$name"
  [[ $name == fuzz_css* || $name == fuzz_srcset* ]] && seed "$name" "${css[@]}"
  [[ $name == fuzz_html_rewrite* ]] && seed "$name" "${html[@]}"
  echo "==> $name for ${seconds}s"
  log=$build/$name.log
  status=0
  "$target" "$corpus_root/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="$artifacts/$name-" -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' "$log" || true
  if [[ $status -ne 0 ]]; then
    echo "fuzz target $name failed (exit $status); log $log, reproducer in $artifacts" >&2
    exit 1
  fi
done
echo "==> fuzzing passed"
