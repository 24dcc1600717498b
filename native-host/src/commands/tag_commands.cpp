// Tags on links, and the tag list itself.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "commands/args.h"
#include "commands/handlers.h"
#include "commands/json_views.h"

namespace linksnap::commands {

namespace {

Result<json> tag_list(Context& ctx) {
  auto all = ctx.store.list_tags();
  if (!all.ok()) return all.error();
  json items = json::array();
  for (const auto& t : *all) items.push_back(tag_json(t));
  return json{{"tags", items}};
}

Result<std::vector<std::string>> nonempty_tags(const json& args) {
  auto names = string_list(args, "tags");
  if (!names.ok()) return names.error();
  if (names->empty()) return make_error(errc::kBadRequest, "missing field \"tags\" (an array of tag names)");
  return names;
}

constexpr std::size_t kMaxIds = 100'000;

// {"ids": [...]} instead of {"id": N}: many links in one set-based transaction.
Result<std::optional<std::vector<std::int64_t>>> id_list(const json& args) {
  if (!args.is_object() || !args.contains("ids") || args.at("ids").is_null()) {
    return std::optional<std::vector<std::int64_t>>();
  }
  if (args.contains("id")) return make_error(errc::kBadRequest, "give \"id\" or \"ids\", not both");
  const json& ids = args.at("ids");
  const std::string bad = "field \"ids\" must be an array of 1 to " + std::to_string(kMaxIds) +
                          " positive integer ids";
  if (!ids.is_array() || ids.empty() || ids.size() > kMaxIds) return make_error(errc::kBadRequest, bad);
  std::vector<std::int64_t> list;
  for (const auto& v : ids) {
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) return make_error(errc::kBadRequest, bad);
    list.push_back(v.get<std::int64_t>());
  }
  return std::optional<std::vector<std::int64_t>>(std::move(list));
}

}  // namespace

Result<json> tag(Context& ctx, const json& args) {
  auto many = id_list(args);
  if (!many.ok()) return many.error();
  if (*many) {
    auto names = nonempty_tags(args);
    if (!names.ok()) return names.error();
    auto changed = ctx.store.add_tags_to_links(**many, *names);
    if (!changed.ok()) return changed.error();
    return json{{"links", std::set<std::int64_t>((*many)->begin(), (*many)->end()).size()}, {"changed", *changed}};
  }
  auto id = required_id(args, "id");
  if (!id.ok()) return id.error();
  auto names = nonempty_tags(args);
  if (!names.ok()) return names.error();
  auto link = ctx.store.add_tags(*id, *names);
  if (!link.ok()) return link.error();
  return json{{"link", link_json(*link)}};
}

Result<json> untag(Context& ctx, const json& args) {
  auto many = id_list(args);
  if (!many.ok()) return many.error();
  if (*many) {
    auto names = nonempty_tags(args);
    if (!names.ok()) return names.error();
    auto changed = ctx.store.remove_tags_from_links(**many, *names);
    if (!changed.ok()) return changed.error();
    return json{{"links", std::set<std::int64_t>((*many)->begin(), (*many)->end()).size()}, {"changed", *changed}};
  }
  auto id = required_id(args, "id");
  if (!id.ok()) return id.error();
  auto names = nonempty_tags(args);
  if (!names.ok()) return names.error();
  auto link = ctx.store.remove_tags(*id, *names);
  if (!link.ok()) return link.error();
  return json{{"link", link_json(*link)}};
}

Result<json> tags(Context& ctx, const json& /*args*/) { return tag_list(ctx); }

Result<json> tags_rename(Context& ctx, const json& args) {
  auto from = required_string(args, "from");
  if (!from.ok()) return from.error();
  auto to = required_string(args, "to");
  if (!to.ok()) return to.error();
  LINKSNAP_TRY(ctx.store.rename_tag(*from, *to));
  return tag_list(ctx);
}

Result<json> tags_merge(Context& ctx, const json& args) {
  auto from = required_string(args, "from");
  if (!from.ok()) return from.error();
  auto into = required_string(args, "into");
  if (!into.ok()) return into.error();
  LINKSNAP_TRY(ctx.store.merge_tags(*from, *into));
  return tag_list(ctx);
}

Result<json> tags_delete(Context& ctx, const json& args) {
  auto name = required_string(args, "name");
  if (!name.ok()) return name.error();
  LINKSNAP_TRY(ctx.store.delete_tag(*name));
  return tag_list(ctx);
}

}  // namespace linksnap::commands
