// Untrusted HTML (any bytes, any charset) -> UTF-8 -> title and text; declare_utf8.
// Invariants: output is valid UTF-8 and bounded; prepare_page (one parse) gives exactly what
// extract_text and declare_utf8 give; a page cut by the parse budget says why.
#include <cstdint>
#include <string>

#include "capture/html_text.h"
#include "util/charset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::string cs = linksnap::charset::detect_html("text/html", bytes);
  auto utf8 = linksnap::charset::to_utf8(bytes, cs);
  if (!utf8.ok()) __builtin_trap();  // every detected charset must be decodable
  if (!linksnap::charset::is_valid_utf8(*utf8)) __builtin_trap();
  const auto text = linksnap::capture::extract_text(*utf8, 1 << 16);
  if (text.text.size() > (1 << 16) || !linksnap::charset::is_valid_utf8(text.text) ||
      !linksnap::charset::is_valid_utf8(text.title)) {
    __builtin_trap();
  }
  const std::string declared = linksnap::capture::declare_utf8(*utf8);
  if (!linksnap::charset::is_valid_utf8(declared)) __builtin_trap();
  const auto prepared = linksnap::capture::prepare_page(*utf8, 1 << 16);
  if (!prepared.note.empty() &&
      prepared.note.rfind("the page's markup is too complex to save in full (", 0) != 0) {
    __builtin_trap();
  }
  // A parse cut by its CPU budget may end elsewhere the next time; only whole parses compare.
  const bool whole = prepared.note.empty() && declared.find("linksnap-note") == std::string::npos;
  if (whole && (prepared.html != declared || prepared.text.text != text.text ||
                prepared.text.title != text.title)) {
    __builtin_trap();
  }
  return 0;
}
