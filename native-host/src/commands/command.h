// The commands both front ends run: `linksnap-host` maps a protocol request
// {"id","cmd","args"} to run(), the `linksnap` CLI maps its subcommands to the same names and
// arguments. A command takes JSON arguments and returns a JSON result or an Error; it never
// prints. docs/protocol.md documents each one.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "net/fetcher.h"
#include "store/store.h"
#include "util/result.h"

namespace linksnap::commands {

inline constexpr int kProtocolVersion = 1;

struct Context {
  store::Store& store;
  net::Fetcher& fetcher;
  net::FetchLimits fetch_limits;
  // Progress events for long commands (add, save); may be empty.
  std::function<void(const nlohmann::json& event)> progress;
};

using Handler = Result<nlohmann::json> (*)(Context& ctx, const nlohmann::json& args);

struct CommandInfo {
  std::string_view name;
  Handler handler;
  // Changes or deletes existing data: only the extension's own pages may call these, never a
  // content script (the extension enforces it; the list documents it).
  bool destructive;
};

const std::vector<CommandInfo>& all_commands();

// What `ping` answers: host, protocol and schema versions.
nlohmann::json version_info();

// Runs a command by name; unknown_command for a name that is not in all_commands().
Result<nlohmann::json> run(Context& ctx, std::string_view name, const nlohmann::json& args);

}  // namespace linksnap::commands
