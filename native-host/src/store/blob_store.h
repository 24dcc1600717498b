// Content-addressed files: a blob is named by the SHA-256 of its bytes, so identical assets
// shared by many snapshots are stored once. Writes go to a temp file, are fsynced and renamed
// into place (then the directory is fsynced), so a blob file is either absent or complete.
// The database references a blob only after put() returned (see Store::save_snapshot).
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace linksnap::store {

class BlobStore;

// One blob written as its bytes arrive (a resource streaming in): appended to a temp file and
// hashed on the way, so it is never held whole in memory. finish_hash() ends the writing and
// names the blob; commit() (on any thread) fsyncs it and renames it into place. Destroyed
// before commit() succeeded, it removes its temp file.
class BlobWriter {
 public:
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  Status write(std::string_view bytes);
  std::size_t size() const { return size_; }
  // The SHA-256 of everything written; no write() after it.
  const std::string& finish_hash();
  // After finish_hash(): the blob file is complete on disk (or was already). Idempotent.
  Status commit();
  // After finish_hash(), before commit(): the first max_bytes written, read back from the
  // temp file, and that file's path (for a reader that takes a path, such as poppler).
  Result<std::string> read_head(std::size_t max_bytes) const;
  const boost::filesystem::path& temp_path() const { return tmp_path_; }

 private:
  friend class BlobStore;
  struct Digest;
  BlobWriter(const BlobStore& store, boost::filesystem::path tmp_path, int fd);

  const BlobStore& store_;
  boost::filesystem::path tmp_path_;
  int fd_ = -1;
  std::unique_ptr<Digest> digest_;
  std::size_t size_ = 0;
  std::string hash_;
  int close_error_ = 0;  // errno of a failed close in finish_hash()
  bool committed_ = false;
};

class BlobStore {
 public:
  // Blobs live in <data_dir>/blobs/ab/abcdef..., temp files in <data_dir>/tmp.
  explicit BlobStore(boost::filesystem::path data_dir);

  // Stores the bytes (no-op if that blob is already complete on disk); returns the hash.
  Result<std::string> put(std::string_view bytes);
  // Starts a blob whose bytes are not known yet (see BlobWriter).
  Result<std::unique_ptr<BlobWriter>> begin_blob() const;
  // Reads a blob whole; not_found if absent.
  Result<std::string> get(std::string_view hash) const;
  bool exists(std::string_view hash) const;
  // Size on disk, or -1 if absent.
  long long size_of(std::string_view hash) const;
  // Removes a blob file; absent is fine.
  Status remove(std::string_view hash);
  // Visits every blob file name that is a valid hash (for integrity checks).
  void for_each(const std::function<void(const std::string& hash)>& visit) const;
  // Temp files every process may delete at start: those whose writer (named in the file
  // name) is no longer running, and any older than max_age_seconds.
  std::vector<boost::filesystem::path> stale_temp_files(long max_age_seconds) const;
  // Deletes the stale_temp_files.
  void remove_stale_temp_files(long max_age_seconds) const;
  // Every temp file but a running writer's (a save in progress): what `check` lists.
  std::vector<boost::filesystem::path> temp_files_not_in_progress() const;
  // How old a temp file may be before it is stale whatever its writer: no save runs a day.
  static constexpr long kTempFileMaxAgeSeconds = 24 * 3600;

  boost::filesystem::path path_for(std::string_view hash) const;

 private:
  boost::filesystem::path blobs_dir_;
  boost::filesystem::path tmp_dir_;
};

}  // namespace linksnap::store
