// The one way LinkSnap works through many links at once (import --snapshot, refresh): N
// workers, at most K of them on one host at a time, an overall deadline, progress after every
// item and a result per item for the summary. The runner knows nothing of snapshots: a task
// is any function of (worker, item); make_snapshot_task gives the one import uses.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands/command.h"
#include "util/result.h"

namespace linksnap::commands {

struct BulkItem {
  std::int64_t link_id = 0;
  std::string url;  // its host is what the per-host limit counts
};

struct BulkOutcome {
  BulkItem item;
  bool ok = false;
  Error error;           // when !ok
  nlohmann::json result;  // the task's result when ok
};

struct BulkProgress {
  std::size_t done = 0, total = 0, succeeded = 0, failed = 0;
  const BulkOutcome* last = nullptr;  // the item that just finished
};

struct BulkOptions {
  int jobs = 4;      // workers (threads)
  int per_host = 2;  // items of one host running at once
  // Items not started by then fail with timeout; a started item runs to its own limits.
  // Zero: no deadline.
  std::chrono::milliseconds deadline{0};
  // After every item, on one thread at a time (the runner serializes calls).
  std::function<void(const BulkProgress&)> on_progress;
};

// Runs on a worker thread; `worker` (0..jobs-1) indexes per-worker state such as a Store.
using BulkTask = std::function<Result<nlohmann::json>(std::size_t worker, const BulkItem& item)>;

// Runs the task on every item; returns one outcome per item, in the items' order.
std::vector<BulkOutcome> run_bulk(const std::vector<BulkItem>& items, const BulkOptions& options,
                                  const BulkTask& task);

// The message of an item the deadline left unstarted.
std::string bulk_deadline_message(std::chrono::milliseconds deadline);

// One Store per worker on ctx.store's data dir, each opened on its worker's first use (a
// Store belongs to one thread). Shared by copies of a task.
class WorkerStores {
 public:
  WorkerStores(Context& ctx, int jobs);
  // The worker's own store; opening it may fail (the disk, a lock held too long).
  Result<store::Store*> get(std::size_t worker);

 private:
  Context* ctx_;
  std::shared_ptr<std::vector<std::unique_ptr<store::Store>>> stores_;
};

// A task that fetches the item's URL and stores a snapshot of it, as `add` does, each worker
// with its own Store on ctx.store's data dir (one Store per thread) and ctx.fetcher (a
// session per fetch). Its result is {"link": …, "snapshot": …}. The context must outlive
// every call.
BulkTask make_snapshot_task(Context& ctx, int jobs);

}  // namespace linksnap::commands
