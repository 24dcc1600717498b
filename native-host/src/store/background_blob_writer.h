// Writes blobs to disk on a few background threads while a snapshot is still being fetched.
// Each blob write ends in fsync (file and folder): done one after another at the end, 60
// assets cost more than fetching them; concurrent fsyncs share the file system's journal
// commits, and overlapping them with the network hides most of the rest. Store::save_snapshot's
// own put() then finds each blob complete and skips it (and writes again any that a concurrent
// delete removed in between), so write errors of add() are left for save_snapshot to report.
// A streamed blob (BlobWriter) has no bytes in memory to write again: commit()'s errors are
// reported by finish().
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/blob_store.h"
#include "util/result.h"

namespace linksnap::store {

class BackgroundBlobWriter {
 public:
  explicit BackgroundBlobWriter(BlobStore& blobs) : blobs_(blobs) {}
  BackgroundBlobWriter(const BackgroundBlobWriter&) = delete;
  BackgroundBlobWriter& operator=(const BackgroundBlobWriter&) = delete;
  ~BackgroundBlobWriter() { (void)finish(); }

  // Queues the bytes; a thread is started if all are busy (at most kThreads).
  void add(std::string bytes);
  // Queues a streamed blob whose hash is known (finish_hash()) for BlobWriter::commit().
  void commit(std::unique_ptr<BlobWriter> blob);
  // Waits until everything queued is written (or failed); the first commit() error, if any.
  // add() and commit() must not be called after.
  Status finish();

  static constexpr std::size_t kThreads = 8;

 private:
  struct Job {
    std::string bytes;
    std::unique_ptr<BlobWriter> blob;  // set: commit it
  };
  void enqueue(Job job);
  void work();

  BlobStore& blobs_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  std::vector<std::thread> workers_;
  std::size_t busy_ = 0;
  bool closing_ = false;
  Status first_error_;
};

}  // namespace linksnap::store
