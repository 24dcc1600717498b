// `linksnap check`: proves the store is whole — SQLite's own integrity check, every blob a
// row references present with the right size (and, with verify_hashes, the right SHA-256),
// no snapshot pointing at a missing file, the search index in step with the links — and
// reports leftovers a crash can leave (blob files no row names, unreferenced blob rows, temp
// files). With repair, leftovers are removed and the search index rebuilt; damage that would
// lose data (a missing blob) is reported, never "repaired" by deleting snapshots.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/store.h"

namespace linksnap::store {

struct CheckOptions {
  bool verify_hashes = false;  // read every blob and recompute its SHA-256 (slow on big stores)
  bool repair = false;
  // Visible text of a stored document, to reindex a link the index lost (the store does not
  // parse HTML itself; the caller passes capture's extractor).
  std::function<std::string(const std::string& html)> extract_text;
};

struct CheckReport {
  std::vector<std::string> problems;  // data is damaged: a person must look
  std::vector<std::string> leftovers; // harmless remains of interrupted work
  std::vector<std::string> repaired;  // what --repair did
  std::int64_t links = 0, snapshots = 0, resources = 0, blobs = 0;
  bool ok() const { return problems.empty(); }
};

Result<CheckReport> check_store(Store& store, const CheckOptions& options);

}  // namespace linksnap::store
