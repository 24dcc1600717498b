#include "modules/xml_api.h"

#include <atomic>

namespace linksnap::modules {

namespace {
std::atomic<const XmlApi*> loaded{nullptr};  // every libxml2 call reads it: no lock
}  // namespace

Result<const XmlApi*> xml_api() {
  if (const XmlApi* api = loaded.load(std::memory_order_acquire)) return api;
  auto api = load<XmlApi>(kXmlModule);
  if (api.ok()) loaded.store(*api, std::memory_order_release);
  return api;
}

const XmlApi& xml() { return *loaded.load(std::memory_order_acquire); }

}  // namespace linksnap::modules
