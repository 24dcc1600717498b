#include "store/integrity.h"

#include <boost/filesystem/directory.hpp>
#include <boost/filesystem/operations.hpp>
#include <set>

#include "store/schema.h"
#include "util/sha256.h"

namespace linksnap::store {

namespace {

// A blob no snapshot names: neither as its document or a resource, nor as the bytes as received.
constexpr const char* kUnreferenced =
    "hash NOT IN (SELECT root_blob FROM snapshots) "
    "AND hash NOT IN (SELECT blob FROM resources WHERE blob IS NOT NULL) "
    "AND hash NOT IN (SELECT original_blob FROM snapshots WHERE original_blob IS NOT NULL) "
    "AND hash NOT IN (SELECT original_blob FROM resources WHERE original_blob IS NOT NULL)";

Result<std::int64_t> count(Database& db, const char* sql) {
  auto st = db.prepare(sql);
  if (!st.ok()) return st.error();
  auto row = st->step();
  if (!row.ok()) return row.error();
  return *row ? st->int64(0) : 0;
}

// Collects every row's first column as text.
Result<std::vector<std::string>> column(Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  if (!st.ok()) return st.error();
  std::vector<std::string> out;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(st->text(0));
  }
  return out;
}

}  // namespace

Result<CheckReport> check_store(Store& store, const CheckOptions& options) {
  Database& db = store.db();
  CheckReport report;

  auto integrity = column(db, "PRAGMA integrity_check");
  if (!integrity.ok()) return integrity.error();
  if (integrity->size() != 1 || integrity->front() != "ok") {
    for (const auto& line : *integrity) report.problems.push_back("SQLite: " + line);
  }
  auto fk = column(db, "SELECT \"table\" || ' row ' || rowid || ' refers to a missing ' || parent "
                       "FROM pragma_foreign_key_check");
  if (!fk.ok()) return fk.error();
  for (const auto& line : *fk) report.problems.push_back(line);
  // FTS5's own consistency check raises an error when the index does not match its content.
  if (auto st = db.exec("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 0)"); !st.ok()) {
    report.problems.push_back("search index: " + st.error().message);
  }

  for (auto [field, sql] : {std::pair{&report.links, "SELECT count(*) FROM links"},
                            std::pair{&report.snapshots, "SELECT count(*) FROM snapshots"},
                            std::pair{&report.resources, "SELECT count(*) FROM resources"},
                            std::pair{&report.blobs, "SELECT count(*) FROM blobs"}}) {
    auto n = count(db, sql);
    if (!n.ok()) return n.error();
    *field = *n;
  }

  // Every referenced blob: a row (foreign keys) and a complete file.
  auto st = db.prepare("SELECT hash, size FROM blobs");
  if (!st.ok()) return st.error();
  std::set<std::string> rows;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    const std::string hash = st->text(0);
    const std::int64_t size = st->int64(1);
    rows.insert(hash);
    const long long on_disk = store.blobs().size_of(hash);
    if (on_disk < 0) {
      report.problems.push_back("blob " + hash + " is missing from " +
                                store.blobs().path_for(hash).parent_path().string());
    } else if (on_disk != size) {
      report.problems.push_back("blob " + hash + " has " + std::to_string(on_disk) +
                                " bytes on disk, the database says " + std::to_string(size));
    } else if (options.verify_hashes) {
      auto bytes = store.blobs().get(hash);
      if (!bytes.ok() || sha256_hex(*bytes) != hash) {
        report.problems.push_back("blob " + hash + " does not match its SHA-256");
      }
    }
  }

  // Links and the search index must pair up one to one.
  auto unindexed = column(db, "SELECT id FROM links WHERE id NOT IN (SELECT rowid FROM search_index)");
  if (!unindexed.ok()) return unindexed.error();
  auto stray = column(db, "SELECT rowid FROM search_index WHERE rowid NOT IN (SELECT id FROM links)");
  if (!stray.ok()) return stray.error();
  for (const auto& id : *unindexed) report.leftovers.push_back("link " + id + " is not in the search index");
  for (const auto& id : *stray) report.leftovers.push_back("the search index has a row for deleted link " + id);

  // Leftovers of interrupted work.
  auto unreferenced = column(db,
      std::string("SELECT hash FROM blobs WHERE ") + kUnreferenced);
  if (!unreferenced.ok()) return unreferenced.error();
  for (const auto& h : *unreferenced) report.leftovers.push_back("blob " + h + " is not used by any snapshot");
  std::vector<std::string> orphan_files;
  store.blobs().for_each([&](const std::string& hash) {
    if (!rows.count(hash)) orphan_files.push_back(hash);
  });
  for (const auto& h : orphan_files) report.leftovers.push_back("file " + h + " is not in the database");
  // A running writer's temp file is a save in progress (another host, the CLI), not a leftover.
  const std::vector<boost::filesystem::path> temp_files = store.blobs().temp_files_not_in_progress();
  for (const auto& p : temp_files) report.leftovers.push_back("temporary file " + p.filename().string());

  if (!options.repair || report.leftovers.empty()) return report;

  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  for (const auto& h : *unreferenced) {
    auto del = db.prepare(std::string("DELETE FROM blobs WHERE hash = ?1 AND ") + kUnreferenced);
    if (!del.ok()) return del.error();
    LINKSNAP_TRY(del->bind(1, h).run());
    if (db.changes() > 0) {
      LINKSNAP_TRY(store.blobs().remove(h));
      report.repaired.push_back("removed unused blob " + h);
    }
  }
  // Under the write lock no save is between writing a file and naming it in a row.
  for (const auto& h : orphan_files) {
    auto again = db.prepare("SELECT 1 FROM blobs WHERE hash = ?1");
    if (!again.ok()) return again.error();
    again->bind(1, h);
    auto row = again->step();
    if (!row.ok()) return row.error();
    if (*row) continue;
    LINKSNAP_TRY(store.blobs().remove(h));
    report.repaired.push_back("removed file " + h);
  }
  for (const auto& p : temp_files) {
    boost::system::error_code ec;
    boost::filesystem::remove(p, ec);
    report.repaired.push_back("removed temporary file " + p.filename().string());
  }
  if (!unindexed->empty() || !stray->empty()) {
    for (const auto& id : *stray) {
      auto del = db.prepare("DELETE FROM search_index WHERE rowid = ?1");
      if (!del.ok()) return del.error();
      LINKSNAP_TRY(del->bind(1, static_cast<std::int64_t>(std::stoll(id))).run());
    }
    for (const auto& id : *unindexed) {
      // The page text is extracted again from the newest snapshot's document.
      std::string body;
      auto root = db.prepare("SELECT root_blob FROM snapshots WHERE link_id = ?1 ORDER BY captured_at DESC, id DESC LIMIT 1");
      if (!root.ok()) return root.error();
      root->bind(1, static_cast<std::int64_t>(std::stoll(id)));
      auto row = root->step();
      if (!row.ok()) return row.error();
      if (*row && options.extract_text) {
        auto html = store.blobs().get(root->text(0));
        if (html.ok()) body = options.extract_text(*html);
      }
      auto ins = db.prepare(
          std::string("INSERT INTO search_index(rowid, title, url, body, tags) SELECT l.id, l.title, l.url, ?2, ") +
          kIndexedTagTokensOfLink + " FROM links l WHERE l.id = ?1");
      if (!ins.ok()) return ins.error();
      LINKSNAP_TRY(ins->bind(1, static_cast<std::int64_t>(std::stoll(id))).bind(2, body).run());
    }
    report.repaired.push_back("search index brought in step with the links");
  }
  LINKSNAP_TRY(tx->commit());
  return report;
}

}  // namespace linksnap::store
