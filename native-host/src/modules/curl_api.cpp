#include "modules/curl_api.h"

#include <atomic>

namespace linksnap::modules {

namespace {
std::atomic<const CurlApi*> loaded{nullptr};  // every curl call reads it: no lock
}  // namespace

Result<const CurlApi*> curl_api() {
  if (const CurlApi* api = loaded.load(std::memory_order_acquire)) return api;
  auto api = load<CurlApi>(kCurlModule);
  if (api.ok()) loaded.store(*api, std::memory_order_release);
  return api;
}

const CurlApi& curl() { return *loaded.load(std::memory_order_acquire); }

}  // namespace linksnap::modules
