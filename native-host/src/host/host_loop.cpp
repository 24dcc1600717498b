#include "host/host_loop.h"

#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "commands/command.h"
#include "protocol/chunking.h"
#include "store/store.h"
#include "util/clock.h"

namespace linksnap::host {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxIdBytes = 256;

struct Job {
  json id;
  std::string cmd;
  json args;
};

// Sends whole messages, chunked as needed; the FrameWriter serializes concurrent writers,
// and this mutex keeps one message's chunks together.
class Replier {
 public:
  explicit Replier(protocol::FrameWriter& out) : out_(out) {}

  void send(const json& message) {
    const auto frames = protocol::split_message(message);
    if (frames.empty()) {
      std::cerr << "linksnap-host: a reply could not be framed and was dropped\n";
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& f : frames) {
      if (!out_.write(f)) return;  // the browser is gone; the work itself still completes
    }
  }
  void ok(const json& id, json result) { send(json{{"id", id}, {"ok", true}, {"result", std::move(result)}}); }
  void fail(const json& id, const Error& e) {
    send(json{{"id", id}, {"ok", false}, {"error", {{"code", e.code}, {"message", e.message}}}});
  }

 private:
  protocol::FrameWriter& out_;
  std::mutex mu_;
};

class WorkQueue {
 public:
  void push(Job job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }
  void close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  std::optional<Job> pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
    if (jobs_.empty()) return std::nullopt;
    Job j = std::move(jobs_.front());
    jobs_.pop_front();
    return j;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool closed_ = false;
};

void run_worker(WorkQueue& queue, Replier& replier, const HostOptions& options) {
  SystemClock clock;
  std::optional<store::Store> store;
  std::unique_ptr<net::Fetcher> fetcher;
  while (auto job = queue.pop()) {
    if (job->cmd == "ping") {
      // Answered without the store: a ping is the extension's "is the host installed?" probe
      // and must work (and be fast) even when the data dir is unusable.
      replier.ok(job->id, commands::version_info());
      continue;
    }
    if (!store) {
      // One worker at a time: the first open of a new store switches it to WAL and migrates
      // it, and SQLite answers another connection's open during that with SQLITE_BUSY at once,
      // without waiting in its busy handler (seen as "database stayed locked" in 0.1 s).
      static std::mutex opening;
      const std::lock_guard<std::mutex> one_at_a_time(opening);
      auto opened = store::Store::open(options.data_dir, clock);
      if (!opened.ok()) {
        replier.fail(job->id, opened.error());
        continue;
      }
      store.emplace(std::move(*opened));
      fetcher = options.make_fetcher();
    }
    commands::Context ctx{*store, *fetcher, options.fetch_limits,
                          [&, id = job->id](const json& data) {
                            replier.send(json{{"id", id}, {"event", "progress"}, {"data", data}});
                          }};
    auto result = commands::run(ctx, job->cmd, job->args);
    if (result.ok()) {
      replier.ok(job->id, std::move(*result));
    } else {
      replier.fail(job->id, result.error());
    }
  }
}

json id_of(const json& message) {
  if (!message.is_object()) return nullptr;
  auto it = message.find("id");
  if (it == message.end() || !(it->is_number_integer() || it->is_string())) return nullptr;
  // An id too long to echo back is not echoed: the reply must always fit in a frame.
  if (it->is_string() && it->get_ref<const std::string&>().size() > kMaxIdBytes) return nullptr;
  return *it;
}

// Checks the request envelope; the Error says what a client developer must fix.
Result<Job> to_job(json request) {
  const json id = request.contains("id") ? request["id"] : json(nullptr);
  if (!(id.is_number_integer() || id.is_string())) {
    return make_error(errc::kBadRequest, "every request needs an \"id\" (an integer or a string)");
  }
  if (id.is_string() && id.get_ref<const std::string&>().size() > kMaxIdBytes) {
    return make_error(errc::kBadRequest, "a request id can be at most 256 bytes long");
  }
  auto cmd = request.find("cmd");
  if (cmd == request.end() || !cmd->is_string()) {
    return make_error(errc::kBadRequest, "missing field \"cmd\" (the command name, a string)");
  }
  json args = json::object();
  if (auto a = request.find("args"); a != request.end() && !a->is_null()) {
    if (!a->is_object()) return make_error(errc::kBadRequest, "field \"args\" must be an object");
    args = std::move(*a);
  }
  return Job{id, cmd->get<std::string>(), std::move(args)};
}


}  // namespace

int serve(protocol::ByteSource& in, protocol::FrameWriter& out, const HostOptions& options) {
  Replier replier(out);
  WorkQueue queue;
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, options.workers); ++i) {
    workers.emplace_back([&] { run_worker(queue, replier, options); });
  }
  protocol::ChunkAssembler assembler;
  int exit_code = 0;
  while (true) {
    protocol::FrameRead frame = protocol::read_frame(in);
    if (frame.status == protocol::FrameStatus::kEndOfStream) break;
    if (frame.status == protocol::FrameStatus::kBroken) {
      std::cerr << "linksnap-host: stopping: " << frame.reason << "\n";
      exit_code = 1;
      break;
    }
    if (frame.status == protocol::FrameStatus::kOversized) {
      replier.fail(nullptr, make_error(errc::kTooLarge, frame.reason));
      continue;
    }
    auto message = protocol::parse_message(frame.payload);
    if (!message.ok()) {
      replier.fail(nullptr, message.error());
      continue;
    }
    json request = std::move(*message);
    if (protocol::ChunkAssembler::is_chunk_envelope(request)) {
      const json envelope_id = id_of(request);
      auto assembled = assembler.add(request);
      if (!assembled.ok()) {
        replier.fail(envelope_id, assembled.error());
        continue;
      }
      if (!*assembled) continue;  // more pieces to come
      request = std::move(**assembled);
    }
    const json request_id = id_of(request);
    if (!options.caller_allowed) {
      replier.fail(request_id, make_error(errc::kForbidden,
                                          "linksnap-host only serves the LinkSnap extension, not " +
                                              options.caller +
                                              " (allow it with LINKSNAP_ALLOWED_CALLERS)"));
      continue;
    }
    auto job = to_job(std::move(request));
    if (!job.ok()) {
      replier.fail(request_id, job.error());
      continue;
    }
    queue.push(std::move(*job));
  }
  queue.close();
  for (auto& w : workers) w.join();
  return exit_code;
}

}  // namespace linksnap::host
