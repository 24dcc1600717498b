// ASCII-only case folding, for protocol tokens (schemes, tag names, file extensions, charset
// labels) that are compared without regard to case and must not follow the C locale.
#pragma once

#include <string>
#include <string_view>

namespace linksnap {

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace linksnap
