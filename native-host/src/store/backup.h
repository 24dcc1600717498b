// `linksnap backup` / `restore`: the whole store in one tar file — a consistent copy of the
// database made with SQLite's online backup API (a host may be saving meanwhile) and every
// blob that copy names — and back, verifying every blob's SHA-256 before anything is replaced.
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstdint>

#include "store/store.h"
#include "util/clock.h"
#include "util/result.h"

namespace linksnap::store {

struct BackupSummary {
  std::int64_t links = 0, snapshots = 0, blobs = 0;
  std::int64_t blob_bytes = 0;
};

// Writes the archive whole or not at all (a temp file renamed into place). io_error if a file
// the database names vanished meanwhile (a concurrent delete): run it again.
Result<BackupSummary> backup_store(Store& store, const boost::filesystem::path& archive);

// Restores an archive into data_dir. conflict if the store there has links and !force; a
// damaged or incomplete archive (bad_request) changes nothing but may leave verified blob
// files, which `linksnap check --repair` removes.
Result<BackupSummary> restore_store(const boost::filesystem::path& data_dir,
                                    const boost::filesystem::path& archive, const Clock& clock,
                                    bool force);

}  // namespace linksnap::store
