// Content-addressed files: a blob is named by the SHA-256 of its bytes, so identical assets
// shared by many snapshots are stored once. Writes go to a temp file, are fsynced and renamed
// into place (then the directory is fsynced), so a blob file is either absent or complete.
// The database references a blob only after put() returned (see Store::save_snapshot).
#pragma once

#include <boost/filesystem/path.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace linksnap::store {

class BlobStore {
 public:
  // Blobs live in <data_dir>/blobs/ab/abcdef..., temp files in <data_dir>/tmp.
  explicit BlobStore(boost::filesystem::path data_dir);

  // Stores the bytes (no-op if that blob is already complete on disk); returns the hash.
  Result<std::string> put(std::string_view bytes);
  // Reads a blob whole; not_found if absent.
  Result<std::string> get(std::string_view hash) const;
  bool exists(std::string_view hash) const;
  // Size on disk, or -1 if absent.
  long long size_of(std::string_view hash) const;
  // Removes a blob file; absent is fine.
  Status remove(std::string_view hash);
  // Visits every blob file name that is a valid hash (for integrity checks).
  void for_each(const std::function<void(const std::string& hash)>& visit) const;
  // Deletes temp files left behind by a killed process, older than max_age_seconds.
  void remove_stale_temp_files(long max_age_seconds) const;

  boost::filesystem::path path_for(std::string_view hash) const;

 private:
  boost::filesystem::path blobs_dir_;
  boost::filesystem::path tmp_dir_;
};

}  // namespace linksnap::store
