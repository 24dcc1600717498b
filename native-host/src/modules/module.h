// Plugin modules: the libraries only some commands need (libcurl, poppler, libxml2,
// libarchive) are reached through small shared objects of our own (native-host/modules/),
// loaded with dlopen on first use, so a ping or a search does not pay for mapping and
// relocating ~50 libraries it never calls. Each module exports one C function returning its
// table (a ModuleHeader, then function pointers); the typed accessors are in *_api.h.
//
// A module is looked for next to the running program (the build tree), then in
// ../lib/linksnap relative to it (the installed layout: PREFIX/bin, PREFIX/lib/linksnap).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace linksnap::modules {

// Bumped whenever a table changes shape: a module from another build is refused, not called.
inline constexpr std::uint32_t kModuleAbi = 1;

struct ModuleHeader {
  std::uint32_t abi;
  std::uint32_t size;  // sizeof the whole table
};

struct ModuleSpec {
  const char* file;     // "linksnap-curl.so"
  const char* factory;  // "linksnap_curl_module"
  std::uint32_t size;   // sizeof the table the caller expects
};

// The directories modules are looked for in, in order: the program's own directory
// (/proc/self/exe), then its ../lib/linksnap.
std::vector<std::string> module_dirs();

// Opens `spec.file` from the first of `dirs` that has it and returns its checked table.
// Errors (internal_error) name the file: "cannot load /x/linksnap-curl.so: <why>".
Result<const ModuleHeader*> open_module(const std::vector<std::string>& dirs, const ModuleSpec& spec);

// The table for `spec`: one built into this program (provide_builtin), else open_module on
// module_dirs(). A success is kept for the process; a failure is tried again next time.
Result<const ModuleHeader*> load_module(const ModuleSpec& spec);

// Programs that link the implementations directly (the test binary, fuzz targets) hand their
// tables in here before the first load_module (native-host/modules/builtin.cpp).
void provide_builtin(const char* file, const ModuleHeader* table);

template <class Api>
Result<const Api*> load(const ModuleSpec& spec) {
  auto header = load_module(spec);
  if (!header.ok()) return header.error();
  return reinterpret_cast<const Api*>(*header);
}

// A module's table for the wrappers that call into its library on every use: loaded on the
// first get(), then read without a lock.
template <class Api>
class LazyTable {
 public:
  explicit constexpr LazyTable(const ModuleSpec& spec) : spec_(spec) {}
  Result<const Api*> get() {
    if (const Api* api = loaded_.load(std::memory_order_acquire)) return api;
    auto api = load<Api>(spec_);
    if (api.ok()) loaded_.store(*api, std::memory_order_release);
    return api;
  }
  // The table once get() has succeeded (callers check that first).
  const Api& operator*() const { return *loaded_.load(std::memory_order_acquire); }

 private:
  const ModuleSpec& spec_;
  std::atomic<const Api*> loaded_{nullptr};
};

}  // namespace linksnap::modules

// Every module's factory is declared with this, so -fvisibility=hidden keeps everything else
// private to the module.
#define LINKSNAP_MODULE_EXPORT extern "C" __attribute__((visibility("default")))
