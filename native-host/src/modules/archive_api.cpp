#include "modules/archive_api.h"

#include <atomic>

namespace linksnap::modules {

namespace {
std::atomic<const ArchiveApi*> loaded{nullptr};  // every libarchive call reads it: no lock
}  // namespace

Result<const ArchiveApi*> archive_api() {
  if (const ArchiveApi* api = loaded.load(std::memory_order_acquire)) return api;
  auto api = load<ArchiveApi>(kArchiveModule);
  if (api.ok()) loaded.store(*api, std::memory_order_release);
  return api;
}

const ArchiveApi& libarchive() { return *loaded.load(std::memory_order_acquire); }

}  // namespace linksnap::modules
