#include "commands/args.h"

namespace linksnap::commands {

namespace {

Error wrong_type(const char* field, const char* expected) {
  return make_error(errc::kBadRequest, std::string("field \"") + field + "\" must be " + expected);
}

Error missing(const char* field, const char* expected) {
  return make_error(errc::kBadRequest, std::string("missing field \"") + field + "\" (" + expected + ")");
}

const nlohmann::json* find(const nlohmann::json& args, const char* field) {
  if (!args.is_object()) return nullptr;
  auto it = args.find(field);
  if (it == args.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Result<std::string_view> required_string_view(const nlohmann::json& args, const char* field) {
  const auto* v = find(args, field);
  if (v == nullptr) return missing(field, "a string");
  if (!v->is_string()) return wrong_type(field, "a string");
  return std::string_view(v->get_ref<const std::string&>());
}

Result<std::string> required_string(const nlohmann::json& args, const char* field) {
  auto view = required_string_view(args, field);
  if (!view.ok()) return view.error();
  return std::string(*view);
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& args, const char* field) {
  const auto* v = find(args, field);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return wrong_type(field, "a string");
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::int64_t> required_id(const nlohmann::json& args, const char* field) {
  auto v = optional_id(args, field);
  if (!v.ok()) return v.error();
  if (!*v) return missing(field, "a positive integer id");
  return **v;
}

Result<std::optional<std::int64_t>> optional_id(const nlohmann::json& args, const char* field) {
  const auto* v = find(args, field);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (!v->is_number_integer() || v->get<std::int64_t>() <= 0) {
    return wrong_type(field, "a positive integer id");
  }
  return std::optional<std::int64_t>(v->get<std::int64_t>());
}

Result<std::int64_t> optional_limit(const nlohmann::json& args, const char* field,
                                    std::int64_t fallback, std::int64_t max) {
  const auto* v = find(args, field);
  if (v == nullptr) return fallback;
  if (!v->is_number_integer() || v->get<std::int64_t>() <= 0 || v->get<std::int64_t>() > max) {
    return make_error(errc::kBadRequest, std::string("field \"") + field +
                                             "\" must be an integer from 1 to " + std::to_string(max));
  }
  return v->get<std::int64_t>();
}

Result<std::int64_t> optional_offset(const nlohmann::json& args, const char* field) {
  const auto* v = find(args, field);
  if (v == nullptr) return 0;
  if (!v->is_number_integer() || v->get<std::int64_t>() < 0) {
    return make_error(errc::kBadRequest, std::string("field \"") + field +
                                             "\" must be an integer from 0 to " + std::to_string(INT64_MAX));
  }
  return v->get<std::int64_t>();
}

Result<std::vector<std::string>> string_list(const nlohmann::json& args, const char* field) {
  const auto* v = find(args, field);
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (v->is_string()) {
    out.push_back(v->get<std::string>());
    return out;
  }
  if (!v->is_array()) return wrong_type(field, "an array of strings");
  for (const auto& item : *v) {
    if (!item.is_string()) return wrong_type(field, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace linksnap::commands
