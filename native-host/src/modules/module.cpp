#include "modules/module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <boost/filesystem/path.hpp>
#include <map>
#include <mutex>

namespace linksnap::modules {

namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
// file -> table: builtins and modules already opened (a dlopen'ed module is never closed).
std::map<std::string, const ModuleHeader*>& registry() {
  static std::map<std::string, const ModuleHeader*> r;
  return r;
}

Error cannot_load(const std::string& path, const std::string& why) {
  return make_error(errc::kInternal, "cannot load " + path + ": " + why);
}

}  // namespace

std::vector<std::string> module_dirs() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  const boost::filesystem::path dir = boost::filesystem::path(std::string(buf, n)).parent_path();
  return {dir.string(), (dir / ".." / "lib" / "linksnap").lexically_normal().string()};
}

Result<const ModuleHeader*> open_module(const std::vector<std::string>& dirs, const ModuleSpec& spec) {
  std::string path;
  for (const std::string& dir : dirs) {
    const std::string candidate = dir + "/" + spec.file;
    if (::access(candidate.c_str(), F_OK) == 0) {
      path = candidate;
      break;
    }
  }
  if (path.empty()) {
    if (dirs.empty()) return cannot_load(spec.file, "cannot find the running program");
    std::string also;
    for (std::size_t i = 0; i + 1 < dirs.size(); ++i) also += (also.empty() ? "" : ", ") + dirs[i];
    return cannot_load(dirs.back() + "/" + spec.file,
                       "no such file" + (also.empty() ? "" : " (nor in " + also + ")") +
                           "; reinstall LinkSnap");
  }
  // RTLD_NOW: a module whose libraries or symbols are missing fails here, with dlerror's
  // reason, not with a crash on the first call.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = ::dlerror();
    std::string why = err != nullptr ? err : "unknown error";
    if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);  // it names the file too
    return cannot_load(path, why);
  }
  using Factory = const ModuleHeader* (*)();
  auto factory = reinterpret_cast<Factory>(::dlsym(handle, spec.factory));
  if (factory == nullptr) {
    ::dlclose(handle);
    return cannot_load(path, std::string("not a LinkSnap module (no ") + spec.factory + ")");
  }
  const ModuleHeader* table = factory();
  if (table == nullptr || table->abi != kModuleAbi || table->size != spec.size) {
    ::dlclose(handle);
    return cannot_load(path, "it belongs to another version of LinkSnap; reinstall LinkSnap");
  }
  return table;
}

Result<const ModuleHeader*> load_module(const ModuleSpec& spec) {
  // Held while loading, so two threads never open the same module twice.
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto& r = registry();
  if (auto it = r.find(spec.file); it != r.end()) {
    if (it->second->size != spec.size) return cannot_load(spec.file, "built-in table has the wrong size");
    return it->second;
  }
  auto table = open_module(module_dirs(), spec);
  if (table.ok()) r.emplace(spec.file, *table);
  return table;
}

void provide_builtin(const char* file, const ModuleHeader* table) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry()[file] = table;
}

}  // namespace linksnap::modules
