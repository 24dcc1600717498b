// `add` with two hooks, for `refresh`: what the server answered for the link, and a decision
// before anything of the new snapshot's document is written whether to store it at all (a
// refresh stores a snapshot only when the content changed).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "capture/file_snapshot.h"
#include "commands/command.h"
#include "store/store.h"
#include "util/result.h"

namespace linksnap::commands {

struct AddHooks {
  // Filled in once the link itself was fetched, also when that failed.
  capture::LinkResponse* response = nullptr;
  // Sees the capture ready to store; false stores nothing and the result is {"stored": false}.
  // Assets streamed while fetching are already in their blob files by then, which is why the
  // hook must say false only when every one of them is a file the last snapshot has.
  std::function<Result<bool>(const store::SnapshotInput&)> should_store;
};

// Exactly `add` (save_commands.cpp) with the hooks.
Result<nlohmann::json> add_link(Context& ctx, const nlohmann::json& args, const AddHooks& hooks);

}  // namespace linksnap::commands
