#include "commands/bulk.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "commands/json_views.h"
#include "commands/handlers.h"
#include "util/url.h"

namespace linksnap::commands {

namespace {

std::string host_of(const std::string& u) {
  auto parts = url::parse(u);
  return parts.ok() ? parts->host : std::string();
}

// Which item runs next: per-host queues, and a queue of hosts that have work and room
// (below per_host running), so picking is O(1) whatever the mix of hosts.
class Scheduler {
 public:
  Scheduler(const std::vector<BulkItem>& items, int per_host) : per_host_(per_host) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto [it, fresh] = hosts_.try_emplace(host_of(items[i].url));
      it->second.pending.push_back(i);
      if (fresh) ready_.push_back(&it->second);
    }
    for (auto* h : ready_) h->in_ready = true;
    remaining_ = items.size();
  }

  enum class Take { kTaken, kWait, kDone };
  // An item whose host has room, if any; kDone when none is left to start.
  Take take(std::size_t& index, void*& host) {
    if (remaining_ == 0) return Take::kDone;
    if (ready_.empty()) return Take::kWait;
    Host* h = ready_.front();
    ready_.pop_front();
    h->in_ready = false;
    index = h->pending.front();
    h->pending.pop_front();
    ++h->running;
    --remaining_;
    if (!h->pending.empty() && h->running < per_host_) push_ready(h);
    host = h;
    return Take::kTaken;
  }

  // Everything not started yet, taken at once (the deadline passed).
  std::vector<std::size_t> drain() {
    std::vector<std::size_t> out;
    for (auto& [name, h] : hosts_) {
      out.insert(out.end(), h.pending.begin(), h.pending.end());
      h.pending.clear();
    }
    ready_.clear();
    remaining_ = 0;
    return out;
  }

  void finished(void* host) {
    Host* h = static_cast<Host*>(host);
    --h->running;
    if (!h->pending.empty() && !h->in_ready) push_ready(h);
  }

 private:
  struct Host {
    std::deque<std::size_t> pending;
    int running = 0;
    bool in_ready = false;
  };
  void push_ready(Host* h) {
    h->in_ready = true;
    ready_.push_back(h);
  }

  int per_host_;
  std::unordered_map<std::string, Host> hosts_;
  std::deque<Host*> ready_;
  std::size_t remaining_ = 0;
};

}  // namespace

std::string bulk_deadline_message(std::chrono::milliseconds deadline) {
  return "not started: the time limit of " + std::to_string(deadline.count() / 1000) +
         " s for the whole run was reached";
}

std::vector<BulkOutcome> run_bulk(const std::vector<BulkItem>& items, const BulkOptions& options,
                                  const BulkTask& task) {
  std::vector<BulkOutcome> outcomes(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) outcomes[i].item = items[i];
  if (items.empty()) return outcomes;

  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(items.size())));
  const auto started = std::chrono::steady_clock::now();
  std::mutex mutex;
  std::condition_variable cv;
  Scheduler scheduler(items, std::max(1, options.per_host));
  BulkProgress progress;
  progress.total = items.size();

  // Under the lock: counts, then the callback, so progress lines come out in order.
  auto record = [&](std::size_t index) {
    ++progress.done;
    ++(outcomes[index].ok ? progress.succeeded : progress.failed);
    progress.last = &outcomes[index];
    if (options.on_progress) options.on_progress(progress);
  };

  auto worker = [&](std::size_t worker_index) {
    std::unique_lock<std::mutex> lock(mutex);
    const bool has_deadline = options.deadline.count() > 0;
    while (true) {
      if (has_deadline && std::chrono::steady_clock::now() - started >= options.deadline) {
        for (std::size_t index : scheduler.drain()) {
          outcomes[index].error = make_error(errc::kTimeout, bulk_deadline_message(options.deadline));
          record(index);
        }
        cv.notify_all();
        return;
      }
      std::size_t index = 0;
      void* host = nullptr;
      const auto next = scheduler.take(index, host);
      if (next == Scheduler::Take::kDone) return;
      if (next == Scheduler::Take::kWait) {
        if (has_deadline) {
          cv.wait_until(lock, started + options.deadline);
        } else {
          cv.wait(lock);
        }
        continue;
      }
      lock.unlock();
      Result<nlohmann::json> r = task(worker_index, items[index]);
      lock.lock();
      if (r.ok()) {
        outcomes[index].ok = true;
        outcomes[index].result = std::move(*r);
      } else {
        outcomes[index].error = r.error();
      }
      scheduler.finished(host);
      record(index);
      cv.notify_all();
    }
  };

  std::vector<std::thread> threads;
  for (int w = 1; w < jobs; ++w) threads.emplace_back(worker, static_cast<std::size_t>(w));
  worker(0);
  for (auto& t : threads) t.join();
  return outcomes;
}

WorkerStores::WorkerStores(Context& ctx, int jobs)
    : ctx_(&ctx),
      stores_(std::make_shared<std::vector<std::unique_ptr<store::Store>>>(
          static_cast<std::size_t>(std::max(1, jobs)))) {}

Result<store::Store*> WorkerStores::get(std::size_t worker) {
  auto& slot = stores_->at(worker);
  if (!slot) {
    auto opened = store::Store::open(ctx_->store.data_dir(), ctx_->store.clock());
    if (!opened.ok()) return opened.error();
    slot = std::make_unique<store::Store>(std::move(*opened));
  }
  return slot.get();
}

BulkTask make_snapshot_task(Context& ctx, int jobs) {
  WorkerStores stores(ctx, jobs);
  return [&ctx, stores](std::size_t worker, const BulkItem& item) mutable -> Result<nlohmann::json> {
    auto store = stores.get(worker);
    if (!store.ok()) return store.error();
    // Exactly what `add` does (save_commands.cpp) — files, the capture's deadline, assets
    // streamed to disk — on this worker's own store connection.
    Context worker_ctx{**store, ctx.fetcher, ctx.fetch_limits, {}};
    auto added = add(worker_ctx, nlohmann::json{{"url", item.url}});
    if (!added.ok()) return added.error();
    return nlohmann::json{{"link", (*added)["link"]}, {"snapshot", (*added)["snapshot"]}};
  };
}

}  // namespace linksnap::commands
