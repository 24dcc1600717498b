// Reading command arguments from untrusted JSON: each getter names the field and the expected
// type in its error, so a caller with a typo learns exactly what to fix.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace linksnap::commands {

Result<std::string> required_string(const nlohmann::json& args, const char* field);
// required_string read in place: a view into `args` (for a field of many MiB, such as a DOM).
Result<std::string_view> required_string_view(const nlohmann::json& args, const char* field);
Result<std::optional<std::string>> optional_string(const nlohmann::json& args, const char* field);
Result<std::int64_t> required_id(const nlohmann::json& args, const char* field);
Result<std::optional<std::int64_t>> optional_id(const nlohmann::json& args, const char* field);
// A positive integer no larger than max, or `fallback` when absent.
Result<std::int64_t> optional_limit(const nlohmann::json& args, const char* field,
                                    std::int64_t fallback, std::int64_t max);
// A position in a list: absent = 0, else an integer ≥ 0 (bad_request otherwise).
Result<std::int64_t> optional_offset(const nlohmann::json& args, const char* field);
// An array of strings (a single string is accepted as a one-element list); [] when absent.
Result<std::vector<std::string>> string_list(const nlohmann::json& args, const char* field);

}  // namespace linksnap::commands
