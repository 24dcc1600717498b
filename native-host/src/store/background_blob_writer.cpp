#include "store/background_blob_writer.h"

#include <utility>

namespace linksnap::store {

void BackgroundBlobWriter::add(std::string bytes) { enqueue(Job{std::move(bytes), nullptr}); }

void BackgroundBlobWriter::commit(std::unique_ptr<BlobWriter> blob) {
  enqueue(Job{std::string(), std::move(blob)});
}

void BackgroundBlobWriter::enqueue(Job job) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
    if (workers_.size() < kThreads && workers_.size() < queue_.size() + busy_) {
      workers_.emplace_back([this] { work(); });
    }
  }
  ready_.notify_one();
}

Status BackgroundBlobWriter::finish() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  ready_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
  return first_error_;
}

void BackgroundBlobWriter::work() {
  std::unique_lock lock(mu_);
  while (true) {
    ready_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closing and drained
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    Status status = ok_status();
    if (job.blob) {
      status = job.blob->commit();
      job.blob.reset();  // closes it (and removes its temp file if the commit failed)
    } else {
      (void)blobs_.put(job.bytes);  // save_snapshot's own put() reports what failed here
    }
    lock.lock();
    --busy_;
    if (!status.ok() && first_error_.ok()) first_error_ = std::move(status);
  }
}

}  // namespace linksnap::store
