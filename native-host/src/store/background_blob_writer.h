// Writes blobs to disk on a few background threads while a snapshot is still being fetched.
// Each blob write ends in fsync (file and folder): done one after another at the end, 60
// assets cost more than fetching them; concurrent fsyncs share the file system's journal
// commits, and overlapping them with the network hides most of the rest. Store::save_snapshot's
// own put() then finds each blob complete and skips it (and writes again any that a concurrent
// delete removed in between), so write errors are left for save_snapshot to report.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/blob_store.h"

namespace linksnap::store {

class BackgroundBlobWriter {
 public:
  explicit BackgroundBlobWriter(BlobStore& blobs) : blobs_(blobs) {}
  BackgroundBlobWriter(const BackgroundBlobWriter&) = delete;
  BackgroundBlobWriter& operator=(const BackgroundBlobWriter&) = delete;
  ~BackgroundBlobWriter() { finish(); }

  // Queues the bytes; a thread is started if all are busy (at most kThreads).
  void add(std::string bytes);
  // Waits until everything added is written (or failed). add() must not be called after.
  void finish();

  static constexpr std::size_t kThreads = 8;

 private:
  void work();

  BlobStore& blobs_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::string> queue_;
  std::vector<std::thread> workers_;
  std::size_t busy_ = 0;
  bool closing_ = false;
};

}  // namespace linksnap::store
