#include <string>

#include "commands/command.h"
#include "commands/handlers.h"

namespace linksnap::commands {

const std::vector<CommandInfo>& all_commands() {
  static const std::vector<CommandInfo> kCommands = {
      {"ping", ping, false},
      {"save", save, false},
      {"add", add, false},
      {"lookup", lookup, false},
      {"list", list, false},
      {"search", search, false},
      {"show", show, false},
      {"diff", diff, false},
      {"refresh", refresh, false},
      {"schedule", schedule, true},
      {"view", view, false},
      {"export", export_snapshot, false},
      {"update", update, true},
      {"rm", remove_link, true},
      {"tag", tag, true},
      {"untag", untag, true},
      {"tags", tags, false},
      {"tags.rename", tags_rename, true},
      {"tags.merge", tags_merge, true},
      {"tags.delete", tags_delete, true},
      {"check", check, true},
      {"import", import_bookmarks, true},
      {"export.bookmarks", export_bookmarks, false},
      {"export.json", export_json, false},
      {"export.warc", export_warc, false},
      {"export.wacz", export_wacz, false},
  };
  return kCommands;
}

Result<nlohmann::json> run(Context& ctx, std::string_view name, const nlohmann::json& args) {
  for (const auto& c : all_commands()) {
    if (c.name == name) return c.handler(ctx, args);
  }
  return make_error(errc::kUnknownCommand, "unknown command \"" + std::string(name) + "\"");
}

}  // namespace linksnap::commands
