#pragma once

#include <string>
#include <string_view>

namespace linksnap {

// Lowercase hex SHA-256 of the bytes (64 characters). Blob names are these hashes.
std::string sha256_hex(std::string_view bytes);

// True if s looks like a blob name: exactly 64 lowercase hex digits. Guards every path built
// from a hash so nothing else can ever become a file name.
bool is_sha256_hex(std::string_view s);

}  // namespace linksnap
