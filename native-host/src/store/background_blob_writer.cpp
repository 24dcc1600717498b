#include "store/background_blob_writer.h"

namespace linksnap::store {

void BackgroundBlobWriter::add(std::string bytes) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(bytes));
    if (workers_.size() < kThreads && workers_.size() < queue_.size() + busy_) {
      workers_.emplace_back([this] { work(); });
    }
  }
  ready_.notify_one();
}

void BackgroundBlobWriter::finish() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  ready_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

void BackgroundBlobWriter::work() {
  std::unique_lock lock(mu_);
  while (true) {
    ready_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closing and drained
    std::string bytes = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    (void)blobs_.put(bytes);  // save_snapshot's own put() reports what failed here
    lock.lock();
    --busy_;
  }
}

}  // namespace linksnap::store
