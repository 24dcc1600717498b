#include "net/media_types.h"

#include <functional>
#include <map>

#include "util/ascii.h"

namespace linksnap::net {
std::string content_type_for_path(std::string_view path) {
  path = path.substr(0, path.find_first_of("?#"));
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  const std::string ext = dot == std::string_view::npos ? "" : ascii_lower(name.substr(dot + 1));
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"html", "text/html"},        {"htm", "text/html"},       {"css", "text/css"},
      {"js", "text/javascript"},    {"mjs", "text/javascript"}, {"txt", "text/plain"},
      {"json", "application/json"}, {"xml", "application/xml"}, {"png", "image/png"},
      {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},     {"gif", "image/gif"},
      {"svg", "image/svg+xml"},     {"webp", "image/webp"},     {"avif", "image/avif"},
      {"ico", "image/x-icon"},      {"woff", "font/woff"},      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},          {"otf", "font/otf"},        {"mp4", "video/mp4"},
      {"webm", "video/webm"},
  };
  const auto it = kTypes.find(ext);
  if (it == kTypes.end()) return "application/octet-stream";
  if (it->second.starts_with("text/")) return it->second + "; charset=utf-8";
  return it->second;
}

}  // namespace linksnap::net
