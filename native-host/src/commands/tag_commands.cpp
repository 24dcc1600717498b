// Tags on links, and the tag list itself.
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

}  // namespace

Result<json> tag(Context& ctx, const json& args) {
  auto id = required_id(args, "id");
  if (!id.ok()) return id.error();
  auto names = nonempty_tags(args);
  if (!names.ok()) return names.error();
  auto link = ctx.store.add_tags(*id, *names);
  if (!link.ok()) return link.error();
  return json{{"link", link_json(*link)}};
}

Result<json> untag(Context& ctx, const json& args) {
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
