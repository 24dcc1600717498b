#include "store/backup.h"

#include <sqlite3.h>

#include <boost/filesystem/operations.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "modules/archive_api.h"
#include "store/schema.h"
#include "util/sha256.h"

namespace fs = boost::filesystem;

namespace linksnap::store {

namespace {

// libarchive (linksnap-archive.so) is loaded by the first backup or restore.
using modules::libarchive;

constexpr const char* kManifestName = "linksnap-backup.json";
constexpr const char* kDatabaseName = "linksnap.db";
constexpr const char* kBlobPrefix = "blobs/";

struct ArchiveCloser {
  bool writing;
  void operator()(archive* a) const {
    if (writing) {
      libarchive().archive_write_free(a);
    } else {
      libarchive().archive_read_free(a);
    }
  }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveCloser>;

Result<std::int64_t> count(Database& db, const char* sql) {
  auto st = db.prepare(sql);
  if (!st.ok()) return st.error();
  auto row = st->step();
  if (!row.ok()) return row.error();
  return st->int64(0);
}

Status copy_database(Database& from, const fs::path& to) {
  sqlite3* dest = nullptr;
  if (sqlite3_open(to.c_str(), &dest) != SQLITE_OK) {
    sqlite3_close(dest);
    return make_error(errc::kIo, "cannot create " + to.string());
  }
  // One step copies every page under one read transaction: a consistent snapshot even while
  // another process writes (WAL).
  sqlite3_backup* b = sqlite3_backup_init(dest, "main", from.handle(), "main");
  int rc = b == nullptr ? sqlite3_errcode(dest) : sqlite3_backup_step(b, -1);
  if (b != nullptr) sqlite3_backup_finish(b);
  const std::string message = sqlite3_errmsg(dest);
  sqlite3_close(dest);
  if (rc != SQLITE_DONE) return sqlite_error(rc, message, "copying the database");
  return ok_status();
}

Status add_entry(archive* a, const std::string& name, std::string_view bytes) {
  archive_entry* e = libarchive().archive_entry_new();
  libarchive().archive_entry_set_pathname(e, name.c_str());
  libarchive().archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
  libarchive().archive_entry_set_filetype(e, AE_IFREG);
  libarchive().archive_entry_set_perm(e, 0600);
  int rc = libarchive().archive_write_header(a, e);
  libarchive().archive_entry_free(e);
  if (rc != ARCHIVE_OK) return make_error(errc::kIo, std::string("cannot write the backup: ") + libarchive().archive_error_string(a));
  if (!bytes.empty() && libarchive().archive_write_data(a, bytes.data(), bytes.size()) < 0) {
    return make_error(errc::kIo, std::string("cannot write the backup: ") + libarchive().archive_error_string(a));
  }
  return ok_status();
}

Result<std::string> read_whole(const fs::path& p) {
  FILE* f = std::fopen(p.c_str(), "rb");
  if (f == nullptr) return make_error(errc::kIo, "cannot read " + p.string());
  std::string out;
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return make_error(errc::kIo, "cannot read " + p.string());
  return out;
}

Status write_whole(const fs::path& p, std::string_view bytes) {
  FILE* f = std::fopen(p.c_str(), "wb");
  if (f == nullptr) return make_error(errc::kIo, "cannot write " + p.string());
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() && std::fflush(f) == 0;
  std::fclose(f);
  if (!ok) return make_error(errc::kIo, "cannot write " + p.string() + " (disk full?)");
  return ok_status();
}

Result<BackupSummary> summarize(Database& db) {
  BackupSummary s;
  auto links = count(db, "SELECT count(*) FROM links");
  if (!links.ok()) return links.error();
  auto snapshots = count(db, "SELECT count(*) FROM snapshots");
  if (!snapshots.ok()) return snapshots.error();
  auto blobs = count(db, "SELECT count(*) FROM blobs");
  if (!blobs.ok()) return blobs.error();
  auto bytes = count(db, "SELECT coalesce(sum(size), 0) FROM blobs");
  if (!bytes.ok()) return bytes.error();
  s.links = *links;
  s.snapshots = *snapshots;
  s.blobs = *blobs;
  s.blob_bytes = *bytes;
  return s;
}

// Removes a temp file when the scope ends (gone already after a successful rename).
struct Cleanup {
  fs::path p;
  ~Cleanup() {
    boost::system::error_code ignored;
    fs::remove(p, ignored);
  }
};

Error damaged(const fs::path& archive, const std::string& why) {
  return make_error(errc::kBadRequest, "the backup " + archive.string() + " is damaged: " + why);
}

}  // namespace

Result<BackupSummary> backup_store(Store& store, const fs::path& archive_path) {
  if (auto api = modules::archive_api(); !api.ok()) return api.error();
  const fs::path tmp_dir = store.data_dir() / "tmp";
  boost::system::error_code ec;
  fs::create_directories(tmp_dir, ec);
  const fs::path db_copy = tmp_dir / fs::unique_path("backup-%%%%-%%%%.db");
  Cleanup cleanup_db{db_copy};
  LINKSNAP_TRY(copy_database(store.db(), db_copy));
  auto copy = Database::open(db_copy.string());
  if (!copy.ok()) return copy.error();
  auto summary = summarize(*copy);
  if (!summary.ok()) return summary.error();
  std::vector<std::string> hashes;
  {
    auto st = copy->prepare("SELECT hash FROM blobs ORDER BY hash");
    if (!st.ok()) return st.error();
    while (true) {
      auto row = st->step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      hashes.push_back(st->text(0));
    }
  }
  auto db_bytes = read_whole(db_copy);
  if (!db_bytes.ok()) return db_bytes.error();

  const fs::path tmp_archive = archive_path.string() + ".linksnap-tmp";
  Cleanup cleanup_archive{tmp_archive};
  {
    ArchivePtr a(libarchive().archive_write_new(), ArchiveCloser{true});
    libarchive().archive_write_set_format_pax_restricted(a.get());
    if (libarchive().archive_write_open_filename(a.get(), tmp_archive.c_str()) != ARCHIVE_OK) {
      return make_error(errc::kIo, "cannot write " + archive_path.string() + ": " +
                                       libarchive().archive_error_string(a.get()));
    }
    const nlohmann::json manifest{{"format", "linksnap-backup"},
                                  {"version", 1},
                                  {"schema_version", kSchemaVersion},
                                  {"created_at", format_utc(store.clock().now())},
                                  {"links", summary->links},
                                  {"snapshots", summary->snapshots},
                                  {"blobs", summary->blobs}};
    LINKSNAP_TRY(add_entry(a.get(), kManifestName, manifest.dump(2) + "\n"));
    LINKSNAP_TRY(add_entry(a.get(), kDatabaseName, *db_bytes));
    for (const auto& h : hashes) {
      auto bytes = store.blobs().get(h);
      if (!bytes.ok()) {
        return make_error(errc::kIo, "file " + h + " vanished during the backup (deleted meanwhile?); "
                                     "run the backup again");
      }
      LINKSNAP_TRY(add_entry(a.get(), kBlobPrefix + h, *bytes));
    }
    if (libarchive().archive_write_close(a.get()) != ARCHIVE_OK) {
      return make_error(errc::kIo, "cannot write " + archive_path.string() + ": " +
                                       libarchive().archive_error_string(a.get()));
    }
  }
  fs::rename(tmp_archive, archive_path, ec);
  if (ec) return make_error(errc::kIo, "cannot write " + archive_path.string() + ": " + ec.message());
  return *summary;
}

Result<BackupSummary> restore_store(const fs::path& data_dir, const fs::path& archive_path,
                                    const Clock& clock, bool force) {
  if (auto api = modules::archive_api(); !api.ok()) return api.error();
  fs::path restored_db;
  Cleanup cleanup_db;
  {
    auto store = Store::open(data_dir, clock);
    if (!store.ok()) return store.error();
    auto links = count(store->db(), "SELECT count(*) FROM links");
    if (!links.ok()) return links.error();
    if (*links > 0 && !force) {
      return make_error(errc::kConflict,
                        "the store in " + data_dir.string() + " is not empty (" +
                            std::to_string(*links) +
                            " links); restore into an empty one, or use --force to replace it");
    }
    boost::system::error_code ec;
    fs::create_directories(data_dir / "tmp", ec);
    restored_db = data_dir / "tmp" / fs::unique_path("restore-%%%%-%%%%.db");
    cleanup_db.p = restored_db;

    ArchivePtr a(libarchive().archive_read_new(), ArchiveCloser{false});
    libarchive().archive_read_support_format_tar(a.get());
    libarchive().archive_read_support_filter_all(a.get());
    if (libarchive().archive_read_open_filename(a.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK) {
      return make_error(errc::kIo, "cannot read " + archive_path.string() + ": " +
                                       libarchive().archive_error_string(a.get()));
    }
    bool has_manifest = false, has_db = false;
    std::set<std::string> blobs_seen;
    archive_entry* e = nullptr;
    while (true) {
      int rc = libarchive().archive_read_next_header(a.get(), &e);
      if (rc == ARCHIVE_EOF) break;
      if (rc != ARCHIVE_OK) return damaged(archive_path, libarchive().archive_error_string(a.get()));
      const std::string name = libarchive().archive_entry_pathname(e);
      std::string bytes;
      char buf[1 << 16];
      la_ssize_t n = 0;
      while ((n = libarchive().archive_read_data(a.get(), buf, sizeof buf)) > 0) bytes.append(buf, static_cast<std::size_t>(n));
      if (n < 0) return damaged(archive_path, libarchive().archive_error_string(a.get()));
      if (name == kManifestName) {
        const auto m = nlohmann::json::parse(bytes, nullptr, false);
        if (m.is_discarded() || !m.is_object() || m.value("format", "") != "linksnap-backup") {
          return damaged(archive_path, "its manifest is not a LinkSnap backup's");
        }
        has_manifest = true;
      } else if (name == kDatabaseName) {
        LINKSNAP_TRY(write_whole(restored_db, bytes));
        has_db = true;
      } else if (name.rfind(kBlobPrefix, 0) == 0) {
        const std::string hash = name.substr(std::string(kBlobPrefix).size());
        if (sha256_hex(bytes) != hash) {
          return damaged(archive_path, "file " + hash + " does not match its SHA-256");
        }
        auto put = store->blobs().put(bytes);
        if (!put.ok()) return put.error();
        blobs_seen.insert(hash);
      }
    }
    if (!has_manifest) return make_error(errc::kBadRequest, archive_path.string() + " is not a LinkSnap backup");
    if (!has_db) return damaged(archive_path, "it has no database");

    // The database must be whole, and name only files the archive had.
    auto db = Database::open(restored_db.string());
    if (!db.ok()) return damaged(archive_path, db.error().message);
    auto st = db->prepare("PRAGMA integrity_check");
    if (!st.ok()) return damaged(archive_path, st.error().message);
    auto row = st->step();
    if (!row.ok() || !*row || st->text(0) != "ok") return damaged(archive_path, "its database is corrupt");
    auto hashes = db->prepare("SELECT hash FROM blobs");
    if (!hashes.ok()) return damaged(archive_path, hashes.error().message);
    std::int64_t missing = 0;
    while (true) {
      auto r = hashes->step();
      if (!r.ok()) return damaged(archive_path, r.error().message);
      if (!*r) break;
      if (blobs_seen.count(hashes->text(0)) == 0) ++missing;
    }
    if (missing > 0) {
      return damaged(archive_path, std::to_string(missing) + " files its database names are missing");
    }
  }  // every connection to the old database is closed here

  // The swap: a stale WAL would be replayed onto the restored file, so it goes first.
  boost::system::error_code ec;
  const fs::path live = data_dir / "linksnap.db";
  fs::remove(fs::path(live.string() + "-wal"), ec);
  fs::remove(fs::path(live.string() + "-shm"), ec);
  fs::rename(restored_db, live, ec);
  if (ec) return make_error(errc::kIo, "cannot replace " + live.string() + ": " + ec.message());
  auto reopened = Store::open(data_dir, clock);  // migrates a backup of an older schema
  if (!reopened.ok()) return reopened.error();
  return summarize(reopened->db());
}

}  // namespace linksnap::store
