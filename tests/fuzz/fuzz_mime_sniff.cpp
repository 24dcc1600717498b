// MIME sniffing of untrusted responses. Invariants: the computed type is always an essence
// ("type/subtype", non-empty), whatever header came with the bytes; only the first
// kResourceHeaderBytes decide; the header parser never yields a half type.
#include <cstdint>
#include <string>

#include "capture/mime_sniff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linksnap::capture;
  const std::string input(reinterpret_cast<const char*>(data), size);
  // The first line is a Content-Type header, the rest the body.
  const auto newline = input.find('\n');
  const std::string header = newline == std::string::npos ? input : input.substr(0, newline);
  const std::string body = newline == std::string::npos ? "" : input.substr(newline + 1);
  const std::string essence = media_type_essence(header);
  if (!essence.empty() && (essence.find('/') == std::string::npos || essence.back() == '/')) __builtin_trap();
  for (const std::string& h : {header, std::string(), std::string("text/plain"), std::string("image/png"),
                               std::string("application/xml")}) {
    const std::string t = sniff_media_type(h, body);
    if (t.empty() || t.find('/') == std::string::npos) __builtin_trap();
    if (body.size() > kResourceHeaderBytes &&
        sniff_media_type(h, body.substr(0, kResourceHeaderBytes)) != t) {
      __builtin_trap();
    }
    (void)kind_of(t);
  }
  return 0;
}
