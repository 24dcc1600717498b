// Bookmark files from anywhere (interop/bookmarks.h). Invariants: a file that reads also
// plans; what the writer makes of its entries reads back with as many entries.
#include <cstdint>
#include <string>

#include "interop/bookmarks.h"
#include "interop/import_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string html(reinterpret_cast<const char*>(data), size);
  linksnap::interop::BookmarkFileLimits limits;
  limits.max_entries = 10'000;
  auto file = linksnap::interop::read_bookmark_file(html, limits);
  if (!file.ok()) {
    if (file.error().message.empty()) __builtin_trap();
    return 0;
  }
  const auto plan = linksnap::interop::plan_import(file->entries, {});
  if (plan.entries != static_cast<std::int64_t>(file->entries.size())) __builtin_trap();
  std::vector<linksnap::interop::BookmarkOut> out;
  for (const auto& e : file->entries) {
    out.push_back({e.url, e.title, e.note, e.tags, e.add_date.value_or(0), e.last_modified.value_or(0)});
  }
  auto again = linksnap::interop::read_bookmark_file(linksnap::interop::write_bookmark_file(out), limits);
  if (!again.ok() || again->entries.size() != out.size()) __builtin_trap();
  return 0;
}
