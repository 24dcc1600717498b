#include "store/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <boost/filesystem/operations.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "store/cjk_tokenizer.h"
#include "store/link_status.h"
#include "store/schema.h"
#include "store/search_query.h"
#include "store/search_rank.h"
#include "store/tag_name.h"
#include "util/data_dir.h"
#include "util/sha256.h"
#include "util/url.h"

namespace fs = boost::filesystem;

namespace linksnap::store {

namespace {

constexpr const char* kLinkColumns =
    "l.id, l.url, l.normalized_url, l.title, l.note, l.created_at, l.updated_at, "
    "(SELECT json_group_array(name) FROM (SELECT t.name FROM link_tags lt JOIN tags t ON "
    "t.id = lt.tag_id WHERE lt.link_id = l.id ORDER BY t.fold)), "
    "(SELECT count(*) FROM snapshots s WHERE s.link_id = l.id), "
    "(SELECT coalesce(max(captured_at), '') FROM snapshots s WHERE s.link_id = l.id)";

// How many of the newest matches a search ranks (docs/protocol.md `search`).
constexpr int kSearchWindow = 1000;

// A Latin prefix with more indexed terms than this stays an FTS5 prefix query: an OR of
// hundreds of terms costs about what the prefix merge does.
constexpr std::size_t kMaxPrefixTerms = 200;

LinkRecord read_link(const Statement& st, int first = 0) {
  LinkRecord r;
  r.id = st.int64(first + 0);
  r.url = st.text(first + 1);
  r.normalized_url = st.text(first + 2);
  r.title = st.text(first + 3);
  r.note = st.text(first + 4);
  r.created_at = st.text(first + 5);
  r.updated_at = st.text(first + 6);
  const auto tags = nlohmann::json::parse(st.text(first + 7), nullptr, false);
  if (tags.is_array()) {
    for (const auto& t : tags) {
      if (t.is_string()) r.tags.push_back(t.get<std::string>());
    }
  }
  r.snapshot_count = st.int64(first + 8);
  r.last_captured_at = st.text(first + 9);
  return r;
}

constexpr const char* kSnapshotColumns =
    "id, link_id, captured_at, source, url, title, root_blob, html_bytes, total_bytes, "
    "resource_count, failed_count, media_type, page_count, request_head, response_head, "
    "original_blob";

SnapshotRecord read_snapshot(const Statement& st) {
  SnapshotRecord s;
  s.id = st.int64(0);
  s.link_id = st.int64(1);
  s.captured_at = st.text(2);
  s.source = st.text(3);
  s.url = st.text(4);
  s.title = st.text(5);
  s.root_blob = st.text(6);
  s.html_bytes = st.int64(7);
  s.total_bytes = st.int64(8);
  s.resource_count = st.int64(9);
  s.failed_count = st.int64(10);
  s.media_type = st.text(11);
  s.page_count = st.int64(12);
  if (auto head = st.optional_text(13)) s.request_head = std::move(*head);
  if (auto head = st.optional_text(14)) s.response_head = std::move(*head);
  s.original_blob = st.optional_text(15);
  return s;
}

// SQL matching a folded tag or any tag below it, with ?N the folded name. '/' sorts right
// before '0', so the range [name/, name0) is exactly the subtree and uses the unique index.
std::string tag_subtree_condition(int param) {
  const std::string p = "?" + std::to_string(param);
  return "(t.fold = " + p + " OR (t.fold >= " + p + " || '/' AND t.fold < " + p + " || '0'))";
}

// Builds "AND <id_column> IN (...)" clauses, one per tag filter, binding folded names from
// `first`.
Result<std::string> tag_filter_sql(const std::vector<std::string>& tags, int first,
                                   std::vector<std::string>& args,
                                   std::string_view id_column = "l.id") {
  std::string sql;
  int param = first;
  for (const auto& raw : tags) {
    auto name = normalize_tag_name(raw);
    if (!name.ok()) return name.error();
    args.push_back(fold_tag_name(*name));
    sql += " AND " + std::string(id_column) + " IN (SELECT lt.link_id FROM link_tags lt JOIN tags t ON t.id = lt.tag_id "
           "WHERE " + tag_subtree_condition(param++) + ")";
  }
  return sql;
}

Error not_found_link(std::int64_t id) {
  return make_error(errc::kNotFound, "no link with id " + std::to_string(id));
}

Error not_found_tag(std::string_view name) {
  return make_error(errc::kNotFound, "no tag named \"" + std::string(name) + "\"");
}

// A head that was not kept is NULL, not "".
std::optional<std::string> optional_head(const std::string& head) {
  if (head.empty()) return std::nullopt;
  return head;
}

}  // namespace

Store::Store(fs::path data_dir, Database db, const Clock& clock)
    : data_dir_(std::move(data_dir)), db_(std::move(db)), blobs_(data_dir_), clock_(&clock) {}

Result<Store> Store::open(const fs::path& data_dir, const Clock& clock) {
  LINKSNAP_TRY(ensure_private_dir(data_dir));
  const fs::path db_path = data_dir / "linksnap.db";
  auto db = Database::open(db_path.string());
  if (!db.ok()) return db.error();
  ::chmod(db_path.c_str(), 0600);
  LINKSNAP_TRY(register_cjk_tokenizer(db->handle()));
  LINKSNAP_TRY(register_search_rank(db->handle()));
  // WAL lets readers (a popup search) run while another host writes; FULL sync so a save
  // that reported success survives a power cut, not just a killed process.
  LINKSNAP_TRY(db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                        "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF"));
  LINKSNAP_TRY(migrate(*db));
  Store store(data_dir, std::move(*db), clock);
  store.blobs_.remove_stale_temp_files(BlobStore::kTempFileMaxAgeSeconds);
  return store;
}

std::string Store::now() const { return format_utc(clock_->now()); }

Result<SaveResult> Store::save_snapshot(const SnapshotInput& input) {
  if (input.source != "dom" && input.source != "fetch" && input.source != "render" &&
      input.source != "capture") {
    return make_error(errc::kBadRequest,
                      "snapshot source must be \"dom\", \"fetch\", \"render\" or \"capture\"");
  }
  const std::string& identity_url = input.requested_url.empty() ? input.url : input.requested_url;
  auto normalized = url::normalize(identity_url);
  if (!normalized.ok()) return normalized.error();
  std::vector<std::string> tag_names;
  for (const auto& raw : input.tags) {
    auto name = normalize_tag_name(raw);
    if (!name.ok()) return name.error();
    tag_names.push_back(*name);
  }

  // Blob files first, outside the lock: slow disk work must not hold other hosts up.
  auto root_hash = input.root_blob ? Result<std::string>(*input.root_blob) : blobs_.put(input.html);
  if (!root_hash.ok()) return root_hash.error();
  const std::int64_t root_size =
      input.root_blob ? input.root_size : static_cast<std::int64_t>(input.html.size());
  std::vector<std::optional<std::string>> resource_hashes;
  std::int64_t total_bytes = root_size;
  std::int64_t failed = 0;
  // The documents as received (for a WARC): blobs like any other, not counted in total_bytes
  // (what the snapshot shows).
  std::optional<std::string> root_original;
  if (input.original_blob) {
    root_original = *input.original_blob;
  } else if (input.original_bytes) {
    auto h = blobs_.put(*input.original_bytes);
    if (!h.ok()) return h.error();
    root_original = *h;
  }
  std::vector<std::optional<std::string>> original_hashes;
  for (const auto& res : input.resources) {
    if (res.exchange && res.exchange->original_bytes && res.bytes) {
      auto h = blobs_.put(*res.exchange->original_bytes);
      if (!h.ok()) return h.error();
      original_hashes.emplace_back(*h);
    } else {
      original_hashes.emplace_back(std::nullopt);
    }
  }
  for (const auto& res : input.resources) {
    if (res.bytes) {
      auto h = blobs_.put(*res.bytes);
      if (!h.ok()) return h.error();
      resource_hashes.emplace_back(*h);
      total_bytes += static_cast<std::int64_t>(res.bytes->size());
    } else if (res.record.blob) {  // streamed to its blob file while it was fetched
      resource_hashes.emplace_back(*res.record.blob);
      total_bytes += res.record.size;
    } else {
      resource_hashes.emplace_back(std::nullopt);
      ++failed;
    }
  }

  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  const std::string at = now();

  // Under the write lock no garbage collection can run, so a blob present now stays present
  // until we commit; one removed since put() (by a concurrent delete) is written again.
  auto reference_blob = [&](const std::string& hash, std::string_view bytes) -> Status {
    if (blobs_.size_of(hash) != static_cast<long long>(bytes.size())) {
      auto again = blobs_.put(bytes);
      if (!again.ok()) return again.error();
    }
    auto st = db_.prepare("INSERT OR IGNORE INTO blobs(hash, size, created_at) VALUES (?1, ?2, ?3)");
    if (!st.ok()) return st.error();
    return st->bind(1, hash).bind(2, static_cast<std::int64_t>(bytes.size())).bind(3, at).run();
  };
  // A blob that streamed to its file while it was fetched: no bytes to write again, so it
  // must be there, complete.
  auto reference_streamed = [&](const std::string& hash, std::int64_t size,
                                const std::string& url) -> Status {
    if (!is_sha256_hex(hash) || blobs_.size_of(hash) != size) {
      return make_error(errc::kIo, "the stored file of " + url + " is missing");
    }
    auto st = db_.prepare("INSERT OR IGNORE INTO blobs(hash, size, created_at) VALUES (?1, ?2, ?3)");
    if (!st.ok()) return st.error();
    return st->bind(1, hash).bind(2, size).bind(3, at).run();
  };
  if (input.root_blob) {
    LINKSNAP_TRY(reference_streamed(*root_hash, root_size, input.url));
  } else {
    LINKSNAP_TRY(reference_blob(*root_hash, input.html));
  }
  if (input.original_blob) {
    LINKSNAP_TRY(reference_streamed(*root_original, input.original_size, input.url));
  } else if (root_original) {
    LINKSNAP_TRY(reference_blob(*root_original, *input.original_bytes));
  }
  for (std::size_t i = 0; i < input.resources.size(); ++i) {
    const ResourceInput& res = input.resources[i];
    if (original_hashes[i]) LINKSNAP_TRY(reference_blob(*original_hashes[i], *res.exchange->original_bytes));
    if (res.bytes) {
      LINKSNAP_TRY(reference_blob(*resource_hashes[i], *res.bytes));
    } else if (resource_hashes[i]) {
      LINKSNAP_TRY(reference_streamed(*resource_hashes[i], res.record.size, res.record.url));
    }
  }

  // The link: found by its normalized URL, else created.
  std::int64_t link_id = 0;
  bool created = false;
  {
    auto find = db_.prepare("SELECT id FROM links WHERE normalized_url = ?1");
    if (!find.ok()) return find.error();
    find->bind(1, *normalized);
    auto row = find->step();
    if (!row.ok()) return row.error();
    if (*row) {
      link_id = find->int64(0);
      auto upd = db_.prepare(
          "UPDATE links SET url = ?2, updated_at = ?3, "
          "title = CASE WHEN title_locked = 1 OR ?4 = '' THEN title ELSE ?4 END WHERE id = ?1");
      if (!upd.ok()) return upd.error();
      LINKSNAP_TRY(upd->bind(1, link_id).bind(2, identity_url).bind(3, at).bind(4, input.title).run());
    } else {
      auto ins = db_.prepare(
          "INSERT INTO links(url, normalized_url, title, created_at, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?4)");
      if (!ins.ok()) return ins.error();
      LINKSNAP_TRY(ins->bind(1, identity_url).bind(2, *normalized).bind(3, input.title).bind(4, at).run());
      link_id = db_.last_insert_rowid();
      created = true;
    }
  }

  auto snap = db_.prepare(
      "INSERT INTO snapshots(link_id, captured_at, source, url, title, root_blob, html_bytes, "
      "total_bytes, resource_count, failed_count, media_type, page_count, request_head, "
      "response_head, original_blob) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  if (!snap.ok()) return snap.error();
  LINKSNAP_TRY(snap->bind(1, link_id)
                   .bind(2, at)
                   .bind(3, input.source)
                   .bind(4, input.url)
                   .bind(5, input.title)
                   .bind(6, *root_hash)
                   .bind(7, root_size)
                   .bind(8, total_bytes)
                   .bind(9, static_cast<std::int64_t>(input.resources.size()))
                   .bind(10, failed)
                   .bind(11, input.media_type.empty() ? std::string("text/html") : input.media_type)
                   .bind(12, input.page_count)
                   .bind(13, optional_head(input.request_head))
                   .bind(14, optional_head(input.response_head))
                   .bind(15, root_original)
                   .run());
  const std::int64_t snapshot_id = db_.last_insert_rowid();

  if (!input.resources.empty()) {
    auto res = db_.prepare(
        "INSERT OR IGNORE INTO resources(snapshot_id, url, final_url, blob, mime, http_status, size, "
        "error_code, error_message, request_head, response_head, original_blob) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    if (!res.ok()) return res.error();
    for (std::size_t i = 0; i < input.resources.size(); ++i) {
      const ResourceRecord& r = input.resources[i].record;
      res->reset();
      res->bind(1, snapshot_id).bind(2, r.url).bind(3, r.final_url).bind(4, resource_hashes[i]);
      res->bind(5, r.mime).bind(7, input.resources[i].bytes
                                       ? static_cast<std::int64_t>(input.resources[i].bytes->size())
                                       : r.size);
      if (r.http_status) res->bind(6, *r.http_status); else res->bind_null(6);
      res->bind(8, r.error_code).bind(9, r.error_message);
      const HttpExchange* x = input.resources[i].exchange.get();
      if (x != nullptr) {
        res->bind(10, optional_head(x->request_head)).bind(11, optional_head(x->response_head));
      } else {
        res->bind_null(10).bind_null(11);
      }
      res->bind(12, original_hashes[i]);
      LINKSNAP_TRY(res->run());
    }
  }

  for (const auto& name : tag_names) {
    auto tag_id = ensure_tag(name);
    if (!tag_id.ok()) return tag_id.error();
    auto lt = db_.prepare("INSERT OR IGNORE INTO link_tags(link_id, tag_id, added_at) VALUES (?1, ?2, ?3)");
    if (!lt.ok()) return lt.error();
    LINKSNAP_TRY(lt->bind(1, link_id).bind(2, *tag_id).bind(3, at).run());
  }

  // Reindex the link with the newest snapshot's text.
  {
    auto idx = db_.prepare(std::string("INSERT OR REPLACE INTO search_index(rowid, title, url, body, tags) "
                                       "SELECT id, title, url, ?2, ") +
                           kIndexedTagTokensOfLink + " FROM links WHERE id = ?1");
    if (!idx.ok()) return idx.error();
    LINKSNAP_TRY(idx->bind(1, link_id).bind(2, input.text).run());
  }
  LINKSNAP_TRY(tx->commit());

  SaveResult result;
  result.created_link = created;
  auto link = get_link(link_id);
  if (!link.ok()) return link.error();
  result.link = std::move(*link);
  auto snapshot = get_snapshot(snapshot_id);
  if (!snapshot.ok()) return snapshot.error();
  result.snapshot = std::move(*snapshot);
  return result;
}

Result<std::vector<LinkRecord>> Store::query_links(std::string_view where, std::string_view order,
                                                   const std::vector<std::string>& text_args,
                                                   std::int64_t limit, std::int64_t offset) {
  // The page's ids first (an index walk for the usual order), then the per-link columns —
  // tags, snapshot count — for those rows only, not for every row the sort looked at.
  const std::string order_by = order.empty() ? "" : " ORDER BY " + std::string(order);
  const std::string sql = std::string("SELECT ") + kLinkColumns + " FROM (SELECT l.id FROM links l WHERE " +
                          std::string(where) + order_by + " LIMIT ?" + std::to_string(text_args.size() + 1) +
                          " OFFSET ?" + std::to_string(text_args.size() + 2) +
                          ") page JOIN links l ON l.id = page.id" + order_by;
  auto st = db_.prepare(sql);
  if (!st.ok()) return st.error();
  int i = 1;
  for (const auto& a : text_args) st->bind(i++, a);
  st->bind(i, limit).bind(i + 1, offset);
  std::vector<LinkRecord> out;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(read_link(*st));
  }
  return out;
}

Result<LinkRecord> Store::get_link(std::int64_t id) {
  auto links = query_links("l.id = ?1", "", {std::to_string(id)}, 1, 0);
  if (!links.ok()) return links.error();
  if (links->empty()) return not_found_link(id);
  return std::move(links->front());
}

Result<LinkRecord> Store::find_link_by_url(std::string_view url) {
  auto normalized = url::normalize(url);
  if (!normalized.ok()) return normalized.error();
  auto links = query_links("l.normalized_url = ?1", "", {*normalized}, 1, 0);
  if (!links.ok()) return links.error();
  if (links->empty()) return make_error(errc::kNotFound, "no saved link for " + std::string(url));
  return std::move(links->front());
}

// The WHERE clause (after "1") of list_links and count_links; its text arguments in args.
Result<std::string> Store::link_filter_sql(const std::vector<std::string>& tags, std::string_view status,
                                           std::vector<std::string>& args) {
  auto filter = tag_filter_sql(tags, 1, args);
  if (!filter.ok()) return filter.error();
  if (!status.empty()) {
    auto by_status = status_filter_sql(status, static_cast<int>(args.size()) + 1);
    if (!by_status.ok()) return by_status.error();
    args.emplace_back(status);
    *filter += *by_status;
  }
  return filter;
}

Result<std::vector<LinkRecord>> Store::list_links(const ListOptions& options, std::string_view status) {
  std::vector<std::string> args;
  auto filter = link_filter_sql(options.tags, status, args);
  if (!filter.ok()) return filter.error();
  return query_links("1" + *filter, "l.updated_at DESC, l.id DESC", args, options.limit, options.offset);
}

Result<std::int64_t> Store::count_links(const std::vector<std::string>& tags, std::string_view status) {
  std::vector<std::string> args;
  auto filter = link_filter_sql(tags, status, args);
  if (!filter.ok()) return filter.error();
  auto st = db_.prepare("SELECT count(*) FROM links l WHERE 1" + *filter);
  if (!st.ok()) return st.error();
  int i = 1;
  for (const auto& a : args) st->bind(i++, a);
  auto row = st->step();
  if (!row.ok()) return row.error();
  return st->int64(0);
}

Result<std::vector<SearchHit>> Store::search(const SearchOptions& options) {
  const TagTokenLookup tag_tokens = [this](const std::string& term) -> Result<std::vector<std::int64_t>> {
    auto st = db_.prepare(
        "SELECT DISTINCT tt.token FROM tag_search ts JOIN tag_tokens tt ON tt.tag_id = ts.rowid "
        "WHERE tag_search MATCH ?1 ORDER BY tt.token");
    if (!st.ok()) return st.error();
    st->bind(1, term);
    std::vector<std::int64_t> tokens;
    while (true) {
      auto row = st->step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      tokens.push_back(st->int64(0));
    }
    return tokens;
  };
  const PrefixTermLookup prefix_terms =
      [this](const std::string& prefix) -> Result<std::optional<std::vector<std::string>>> {
    // The next string after every term with the prefix: the prefix with its last character
    // raised by one ('9' → ':', 'z' → '{'), so the range is one index walk.
    std::string after = prefix;
    after.back() = static_cast<char>(after.back() + 1);
    auto st = db_.prepare("SELECT term FROM search_terms WHERE term >= ?1 AND term < ?2 ORDER BY term LIMIT ?3");
    if (!st.ok()) return st.error();
    st->bind(1, prefix).bind(2, after).bind(3, static_cast<std::int64_t>(kMaxPrefixTerms + 1));
    std::vector<std::string> terms;
    while (true) {
      auto row = st->step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      terms.push_back(st->text(0));
    }
    if (terms.size() > kMaxPrefixTerms) return std::optional<std::vector<std::string>>();
    return std::optional<std::vector<std::string>>(std::move(terms));
  };
  auto match = build_match_expression(options.query, tag_tokens, prefix_terms);
  if (!match.ok()) return match.error();
  std::vector<SearchHit> hits;
  if (match->empty()) {
    // Nothing to match (empty query, or only punctuation): the newest links, tag-filtered.
    auto links = list_links({options.tags, options.limit, 0});
    if (!links.ok()) return links.error();
    for (auto& l : *links) hits.push_back(SearchHit{std::move(l), "", 0});
    return hits;
  }
  std::vector<std::string> args{*match};
  // "+s.rowid": a rowid IN (...) offered to FTS5 would run the whole MATCH once per tagged
  // link (70 s for one query on 20,000 links); as a plain filter it is a set lookup per match.
  auto filter = tag_filter_sql(options.tags, 2, args, "+s.rowid");
  if (!filter.ok()) return filter.error();
  // Rank only the newest kSearchWindow matches (by link id, i.e. when first saved): a common
  // word can match most of the store. linksnap_rank (search_rank.h), not bm25: bm25 first
  // walks every match of every phrase in the whole store. Title and tag matches weigh most,
  // then the URL, then the page text; ties go to the most recently updated link.
  const std::string sql =
      "WITH candidates AS (SELECT s.rowid AS id, " + std::string(kSearchRankName) + "(search_index) AS rank "
      "FROM search_index s WHERE search_index MATCH ?1" + *filter +
      " ORDER BY s.rowid DESC LIMIT " + std::to_string(kSearchWindow) + ") "
      "SELECT c.id, c.rank FROM candidates c JOIN links l ON l.id = c.id "
      "ORDER BY c.rank, l.updated_at DESC, c.id DESC LIMIT ?" + std::to_string(args.size() + 1);
  auto st = db_.prepare(sql);
  if (!st.ok()) return st.error();
  int i = 1;
  for (const auto& a : args) st->bind(i++, a);
  st->bind(i, options.limit);
  std::vector<std::pair<std::int64_t, double>> top;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    top.emplace_back(st->int64(0), st->real(1));
  }
  if (top.empty()) return hits;
  // Snippets for the page only, in one more pass over the matches: the rowid range lets FTS5
  // skip to it, and "+" keeps the id list from running the MATCH once per id.
  std::int64_t low = top.front().first, high = low;
  std::string id_list;
  for (const auto& [id, rank] : top) {
    low = std::min(low, id);
    high = std::max(high, id);
    id_list += (id_list.empty() ? "" : ",") + std::to_string(id);
  }
  auto snip = db_.prepare(
      "SELECT s.rowid, snippet(search_index, -1, char(2), char(3), '…', 24) FROM search_index s "
      "WHERE search_index MATCH ?1 AND s.rowid >= ?2 AND s.rowid <= ?3 AND +s.rowid IN (" + id_list + ")");
  if (!snip.ok()) return snip.error();
  snip->bind(1, *match).bind(2, low).bind(3, high);
  std::map<std::int64_t, std::string> snippets;
  while (true) {
    auto row = snip->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    snippets[snip->int64(0)] = snippet_to_html(snip->text(1));
  }
  auto links = query_links("l.id IN (" + id_list + ")", "", {}, static_cast<std::int64_t>(top.size()), 0);
  if (!links.ok()) return links.error();
  std::map<std::int64_t, LinkRecord> by_id;
  for (auto& l : *links) by_id.emplace(l.id, std::move(l));
  for (const auto& [id, rank] : top) {
    auto link = by_id.find(id);
    if (link == by_id.end()) continue;  // deleted since by another process
    hits.push_back(SearchHit{std::move(link->second), snippets[id], rank});
  }
  return hits;
}

Result<std::vector<SnapshotRecord>> Store::snapshots_of(std::int64_t link_id) {
  auto st = db_.prepare(std::string("SELECT ") + kSnapshotColumns +
                        " FROM snapshots WHERE link_id = ?1 ORDER BY captured_at DESC, id DESC");
  if (!st.ok()) return st.error();
  st->bind(1, link_id);
  std::vector<SnapshotRecord> out;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(read_snapshot(*st));
  }
  return out;
}

Result<SnapshotRecord> Store::get_snapshot(std::int64_t snapshot_id) {
  auto st = db_.prepare(std::string("SELECT ") + kSnapshotColumns + " FROM snapshots WHERE id = ?1");
  if (!st.ok()) return st.error();
  st->bind(1, snapshot_id);
  auto row = st->step();
  if (!row.ok()) return row.error();
  if (!*row) return make_error(errc::kNotFound, "no snapshot with id " + std::to_string(snapshot_id));
  return read_snapshot(*st);
}

Result<std::vector<ResourceRecord>> Store::resources_of(std::int64_t snapshot_id) {
  auto st = db_.prepare(
      "SELECT url, final_url, blob, mime, http_status, size, error_code, error_message "
      "FROM resources WHERE snapshot_id = ?1 ORDER BY id");
  if (!st.ok()) return st.error();
  st->bind(1, snapshot_id);
  std::vector<ResourceRecord> out;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    ResourceRecord r;
    r.url = st->text(0);
    r.final_url = st->optional_text(1);
    r.blob = st->optional_text(2);
    r.mime = st->text(3);
    if (!st->is_null(4)) r.http_status = st->int64(4);
    r.size = st->int64(5);
    r.error_code = st->optional_text(6);
    r.error_message = st->optional_text(7);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<StoredResource>> Store::exchanges_of(std::int64_t snapshot_id) {
  auto st = db_.prepare(
      "SELECT url, final_url, blob, mime, http_status, size, request_head, response_head, "
      "original_blob FROM resources WHERE snapshot_id = ?1 AND blob IS NOT NULL ORDER BY id");
  if (!st.ok()) return st.error();
  st->bind(1, snapshot_id);
  std::vector<StoredResource> out;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    StoredResource r;
    r.record.url = st->text(0);
    r.record.final_url = st->optional_text(1);
    r.record.blob = st->optional_text(2);
    r.record.mime = st->text(3);
    if (!st->is_null(4)) r.record.http_status = st->int64(4);
    r.record.size = st->int64(5);
    if (auto head = st->optional_text(6)) r.request_head = std::move(*head);
    if (auto head = st->optional_text(7)) r.response_head = std::move(*head);
    r.original_blob = st->optional_text(8);
    out.push_back(std::move(r));
  }
  return out;
}

Result<LinkRecord> Store::update_link(std::int64_t id, const std::optional<std::string>& title,
                                      const std::optional<std::string>& note) {
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  auto st = db_.prepare(
      "UPDATE links SET title = coalesce(?2, title), title_locked = title_locked OR ?2 IS NOT NULL, "
      "note = coalesce(?3, note), updated_at = ?4 WHERE id = ?1");
  if (!st.ok()) return st.error();
  LINKSNAP_TRY(st->bind(1, id).bind(2, title).bind(3, note).bind(4, now()).run());
  if (db_.changes() == 0) return not_found_link(id);
  if (title) {
    auto idx = db_.prepare("UPDATE search_index SET title = ?2 WHERE rowid = ?1");
    if (!idx.ok()) return idx.error();
    LINKSNAP_TRY(idx->bind(1, id).bind(2, *title).run());
  }
  LINKSNAP_TRY(tx->commit());
  return get_link(id);
}

Status Store::delete_link(std::int64_t id) { return delete_links({id}); }

namespace {
// A list of ids as a JSON array, bound once to a statement that reads it with json_each.
std::string id_json_of(const std::vector<std::int64_t>& ids) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto id : ids) array.push_back(id);
  return array.dump();
}
}  // namespace

Status Store::delete_links(const std::vector<std::int64_t>& ids) {
  // Set-based, in one transaction: each statement takes the whole list (a JSON array bound
  // once, which SQLite turns into one lookup table per statement), not one round per link.
  const std::string id_json = id_json_of(ids);
  constexpr const char* kIds = "(SELECT value FROM json_each(?1))";
  std::vector<std::string> candidates;
  {
    auto tx = Transaction::begin(db_);
    if (!tx.ok()) return tx.error();
    LINKSNAP_TRY(require_links(id_json));  // else nothing is deleted
    {
      auto blobs = db_.prepare(std::string(
          "SELECT root_blob FROM snapshots WHERE link_id IN ") + kIds + " UNION "
          "SELECT original_blob FROM snapshots WHERE link_id IN " + kIds + " AND original_blob IS NOT NULL UNION "
          "SELECT r.blob FROM resources r JOIN snapshots s ON s.id = r.snapshot_id "
          "WHERE s.link_id IN " + kIds + " AND r.blob IS NOT NULL UNION "
          "SELECT r.original_blob FROM resources r JOIN snapshots s ON s.id = r.snapshot_id "
          "WHERE s.link_id IN " + kIds + " AND r.original_blob IS NOT NULL");
      if (!blobs.ok()) return blobs.error();
      blobs->bind(1, id_json);
      while (true) {
        auto row = blobs->step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        candidates.push_back(blobs->text(0));
      }
    }
    for (const std::string table : {"search_index WHERE rowid", "links WHERE id"}) {
      auto del = db_.prepare("DELETE FROM " + table + " IN " + kIds);
      if (!del.ok()) return del.error();
      LINKSNAP_TRY(del->bind(1, id_json).run());
    }
    LINKSNAP_TRY(prune_unused_tags());
    // Blob rows nobody references any more go in the same transaction as the links.
    nlohmann::json hashes = nlohmann::json::array();
    for (const auto& h : candidates) hashes.push_back(h);
    auto gc = db_.prepare(
        "DELETE FROM blobs WHERE hash IN (SELECT value FROM json_each(?1)) AND NOT EXISTS "
        "(SELECT 1 FROM snapshots WHERE root_blob = blobs.hash) AND NOT EXISTS (SELECT 1 FROM "
        "resources WHERE blob = blobs.hash) AND NOT EXISTS (SELECT 1 FROM snapshots WHERE "
        "original_blob = blobs.hash) AND NOT EXISTS (SELECT 1 FROM resources WHERE original_blob = blobs.hash)");
    if (!gc.ok()) return gc.error();
    LINKSNAP_TRY(gc->bind(1, hashes.dump()).run());
    LINKSNAP_TRY(tx->commit());
  }
  return collect_garbage(candidates);
}

Status Store::collect_garbage(const std::vector<std::string>& candidate_blobs) {
  // Files go only under the write lock and only when no row names them: a concurrent save
  // either re-adds the row first (we keep the file) or finds the file gone and writes it again.
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  auto st = db_.prepare("SELECT 1 FROM blobs WHERE hash = ?1");
  if (!st.ok()) return st.error();
  for (const auto& h : candidate_blobs) {
    st->reset();
    st->bind(1, h);
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) LINKSNAP_TRY(blobs_.remove(h));
  }
  return tx->commit();
}

Result<std::vector<std::string>> Store::tags_of(std::int64_t link_id) {
  auto st = db_.prepare(
      "SELECT t.name FROM link_tags lt JOIN tags t ON t.id = lt.tag_id WHERE lt.link_id = ?1 "
      "ORDER BY t.fold");
  if (!st.ok()) return st.error();
  st->bind(1, link_id);
  std::vector<std::string> out;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(st->text(0));
  }
  return out;
}

Result<std::int64_t> Store::ensure_tag(std::string_view normalized_name) {
  const std::string fold = fold_tag_name(normalized_name);
  auto ins = db_.prepare("INSERT OR IGNORE INTO tags(name, fold, created_at) VALUES (?1, ?2, ?3)");
  if (!ins.ok()) return ins.error();
  LINKSNAP_TRY(ins->bind(1, normalized_name).bind(2, fold).bind(3, now()).run());
  const bool created = db_.changes() > 0;
  auto sel = db_.prepare("SELECT id FROM tags WHERE fold = ?1");
  if (!sel.ok()) return sel.error();
  sel->bind(1, fold);
  auto row = sel->step();
  if (!row.ok()) return row.error();
  if (!*row) return make_error(errc::kInternal, "a tag vanished while it was being added");
  const std::int64_t id = sel->int64(0);
  if (created) LINKSNAP_TRY(index_tag_name(id, normalized_name));
  return id;
}

Status Store::index_tag_name(std::int64_t tag_id, std::string_view name) {
  // A reused tag id replaces the old name's row.
  auto st = db_.prepare("INSERT OR REPLACE INTO tag_search(rowid, name) VALUES (?1, ?2)");
  if (!st.ok()) return st.error();
  return st->bind(1, tag_id).bind(2, name).run();
}

Status Store::reindex_tags(std::int64_t link_id) {
  auto st = db_.prepare(std::string("UPDATE search_index SET tags = ") + kIndexedTagTokensOfLink +
                        " WHERE rowid = ?1");
  if (!st.ok()) return st.error();
  return st->bind(1, link_id).run();
}

Result<LinkRecord> Store::add_tags(std::int64_t link_id, const std::vector<std::string>& names) {
  std::vector<std::string> normalized;
  for (const auto& raw : names) {
    auto n = normalize_tag_name(raw);
    if (!n.ok()) return n.error();
    normalized.push_back(*n);
  }
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  auto exists = db_.prepare("SELECT 1 FROM links WHERE id = ?1");
  if (!exists.ok()) return exists.error();
  exists->bind(1, link_id);
  auto row = exists->step();
  if (!row.ok()) return row.error();
  if (!*row) return not_found_link(link_id);
  const std::string at = now();
  for (const auto& name : normalized) {
    auto tag_id = ensure_tag(name);
    if (!tag_id.ok()) return tag_id.error();
    auto lt = db_.prepare("INSERT OR IGNORE INTO link_tags(link_id, tag_id, added_at) VALUES (?1, ?2, ?3)");
    if (!lt.ok()) return lt.error();
    LINKSNAP_TRY(lt->bind(1, link_id).bind(2, *tag_id).bind(3, at).run());
  }
  LINKSNAP_TRY(reindex_tags(link_id));
  LINKSNAP_TRY(tx->commit());
  return get_link(link_id);
}

Status Store::require_links(const std::string& id_json) {
  auto missing = db_.prepare("SELECT value FROM json_each(?1) WHERE NOT EXISTS "
                             "(SELECT 1 FROM links WHERE id = value) ORDER BY key LIMIT 1");
  if (!missing.ok()) return missing.error();
  missing->bind(1, id_json);
  auto row = missing->step();
  if (!row.ok()) return row.error();
  if (*row) return not_found_link(missing->int64(0));
  return ok_status();
}

Status Store::reindex_tags_of(const std::string& id_json) {
  std::string tokens = kIndexedTagTokensOfLink;
  tokens.replace(tokens.find("?1"), 2, "search_index.rowid");
  auto st = db_.prepare("UPDATE search_index SET tags = " + tokens +
                        " WHERE rowid IN (SELECT value FROM json_each(?1))");
  if (!st.ok()) return st.error();
  return st->bind(1, id_json).run();
}

Result<std::int64_t> Store::add_tags_to_links(const std::vector<std::int64_t>& link_ids,
                                              const std::vector<std::string>& names) {
  std::vector<std::string> normalized;
  for (const auto& raw : names) {
    auto n = normalize_tag_name(raw);
    if (!n.ok()) return n.error();
    normalized.push_back(*n);
  }
  const std::string ids = id_json_of(link_ids);
  auto tx = begin_bulk_tagging(ids);
  if (!tx.ok()) return tx.error();
  const std::string at = now();
  for (const auto& name : normalized) {
    auto tag_id = ensure_tag(name);
    if (!tag_id.ok()) return tag_id.error();
    auto mark = db_.prepare(
        "INSERT OR IGNORE INTO temp.changed_links SELECT DISTINCT value FROM json_each(?1) WHERE NOT EXISTS "
        "(SELECT 1 FROM link_tags WHERE link_id = value AND tag_id = ?2)");
    if (!mark.ok()) return mark.error();
    LINKSNAP_TRY(mark->bind(1, ids).bind(2, *tag_id).run());
    auto lt = db_.prepare("INSERT OR IGNORE INTO link_tags(link_id, tag_id, added_at) "
                          "SELECT value, ?2, ?3 FROM json_each(?1)");
    if (!lt.ok()) return lt.error();
    LINKSNAP_TRY(lt->bind(1, ids).bind(2, *tag_id).bind(3, at).run());
  }
  return finish_bulk_tagging(*tx, false);
}

Result<std::int64_t> Store::remove_tags_from_links(const std::vector<std::int64_t>& link_ids,
                                                   const std::vector<std::string>& names) {
  std::vector<std::string> folds;
  for (const auto& raw : names) {
    auto n = normalize_tag_name(raw);
    if (!n.ok()) return n.error();
    folds.push_back(fold_tag_name(*n));
  }
  const std::string ids = id_json_of(link_ids);
  auto tx = begin_bulk_tagging(ids);
  if (!tx.ok()) return tx.error();
  for (const auto& fold : folds) {
    auto mark = db_.prepare(
        "INSERT OR IGNORE INTO temp.changed_links SELECT link_id FROM link_tags WHERE tag_id = "
        "(SELECT id FROM tags WHERE fold = ?2) AND link_id IN (SELECT value FROM json_each(?1))");
    if (!mark.ok()) return mark.error();
    LINKSNAP_TRY(mark->bind(1, ids).bind(2, fold).run());
    auto st = db_.prepare(
        "DELETE FROM link_tags WHERE tag_id = (SELECT id FROM tags WHERE fold = ?2) "
        "AND link_id IN (SELECT value FROM json_each(?1))");
    if (!st.ok()) return st.error();
    LINKSNAP_TRY(st->bind(1, ids).bind(2, fold).run());
  }
  return finish_bulk_tagging(*tx, true);
}

Result<Transaction> Store::begin_bulk_tagging(const std::string& id_json) {
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  LINKSNAP_TRY(require_links(id_json));
  // Only the links whose tags change are reindexed (each reindex rewrites the link's index row).
  LINKSNAP_TRY(db_.exec("CREATE TEMP TABLE IF NOT EXISTS changed_links(id INTEGER PRIMARY KEY)"));
  LINKSNAP_TRY(db_.exec("DELETE FROM temp.changed_links"));
  return tx;
}

Result<std::int64_t> Store::finish_bulk_tagging(Transaction& tx, bool prune) {
  std::int64_t count = 0;
  std::string changed_ids;
  {
    auto changed = db_.prepare("SELECT count(*), coalesce(json_group_array(id), '[]') FROM temp.changed_links");
    if (!changed.ok()) return changed.error();
    auto row = changed->step();
    if (!row.ok()) return row.error();
    count = changed->int64(0);
    changed_ids = changed->text(1);
  }
  if (count > 0) LINKSNAP_TRY(reindex_tags_of(changed_ids));
  if (prune) LINKSNAP_TRY(prune_unused_tags());
  LINKSNAP_TRY(db_.exec("DELETE FROM temp.changed_links"));
  LINKSNAP_TRY(tx.commit());
  return count;
}

Result<LinkRecord> Store::remove_tags(std::int64_t link_id, const std::vector<std::string>& names) {
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  auto link = get_link(link_id);
  if (!link.ok()) return link.error();
  for (const auto& raw : names) {
    auto n = normalize_tag_name(raw);
    if (!n.ok()) return n.error();
    auto st = db_.prepare(
        "DELETE FROM link_tags WHERE link_id = ?1 AND tag_id = (SELECT id FROM tags WHERE fold = ?2)");
    if (!st.ok()) return st.error();
    LINKSNAP_TRY(st->bind(1, link_id).bind(2, fold_tag_name(*n)).run());
    if (db_.changes() == 0) {
      return make_error(errc::kNotFound, "link " + std::to_string(link_id) + " has no tag \"" + *n + "\"");
    }
  }
  LINKSNAP_TRY(reindex_tags(link_id));
  LINKSNAP_TRY(prune_unused_tags());
  LINKSNAP_TRY(tx->commit());
  return get_link(link_id);
}

Status Store::prune_unused_tags() {
  // Tags exist through their links: one that no link carries any more is gone (its tokens
  // with it, by cascade; index rows that still hold them match no tag any more).
  LINKSNAP_TRY(db_.exec("DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM link_tags WHERE tag_id = tags.id)"));
  return forget_deleted_tag_names();
}

Status Store::forget_deleted_tag_names() {
  return db_.exec("DELETE FROM tag_search WHERE rowid NOT IN (SELECT id FROM tags)");
}

Result<std::vector<TagCount>> Store::list_tags() {
  // One pass over link_tags in link order (its primary key): each link counts once for its
  // tags and once for every tag above them, instead of a count and a distinct count over a
  // subtree per tag (which was most of `tags` and of the tag edits that answer with it).
  std::map<std::int64_t, std::string> fold_of;  // tag id → folded name
  std::map<std::string, std::string> name_of;   // folded → name, for the explicit tags
  {
    auto st = db_.prepare("SELECT id, name, fold FROM tags");
    if (!st.ok()) return st.error();
    while (true) {
      auto row = st->step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      fold_of[st->int64(0)] = st->text(2);
      name_of[st->text(2)] = st->text(1);
    }
  }
  // Every folded name (a tag's and those above it) gets a slot; each tag id the slots it reaches.
  std::map<std::string, std::size_t> slot_of;
  std::map<std::int64_t, std::vector<std::size_t>> reaches;
  for (const auto& [id, fold] : fold_of) {
    auto& r = reaches[id];
    r.push_back(slot_of.emplace(fold, slot_of.size()).first->second);
    for (std::size_t slash = fold.find('/'); slash != std::string::npos; slash = fold.find('/', slash + 1)) {
      r.push_back(slot_of.emplace(fold.substr(0, slash), slot_of.size()).first->second);
    }
  }
  std::vector<std::int64_t> own_count(slot_of.size(), 0), below_count(slot_of.size(), 0);
  {
    auto st = db_.prepare("SELECT link_id, tag_id FROM link_tags ORDER BY link_id");
    if (!st.ok()) return st.error();
    std::int64_t current = -1;
    std::vector<std::size_t> reached;  // the current link's tags and every tag above them
    auto flush = [&] {
      std::sort(reached.begin(), reached.end());
      reached.erase(std::unique(reached.begin(), reached.end()), reached.end());
      for (const auto slot : reached) ++below_count[slot];
      reached.clear();
    };
    while (true) {
      auto row = st->step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      if (st->int64(0) != current) {
        flush();
        current = st->int64(0);
      }
      auto r = reaches.find(st->int64(1));
      if (r == reaches.end()) continue;
      ++own_count[r->second.front()];
      reached.insert(reached.end(), r->second.begin(), r->second.end());
    }
    flush();
  }
  std::map<std::string, std::int64_t> own, below;  // by folded name
  for (const auto& [fold, slot] : slot_of) {
    own[fold] = own_count[slot];
    below[fold] = below_count[slot];
  }
  std::vector<TagCount> out;
  for (const auto& [fold, name] : name_of) out.push_back(TagCount{name, own[fold], 0});
  // Most used first, then by folded name (as before: ORDER BY count DESC, fold).
  std::stable_sort(out.begin(), out.end(), [](const TagCount& a, const TagCount& b) { return a.links > b.links; });
  std::set<std::string> known;
  for (const auto& [fold, name] : name_of) known.insert(fold);
  // Parents that exist only through their children ("笔记" of "笔记/时间") are listed too,
  // with no links of their own, so a tag tree has every node.
  const std::size_t explicit_count = out.size();
  for (std::size_t i = 0; i < explicit_count; ++i) {
    for (std::size_t slash = out[i].name.find('/'); slash != std::string::npos;
         slash = out[i].name.find('/', slash + 1)) {
      const std::string parent = out[i].name.substr(0, slash);
      if (known.insert(fold_tag_name(parent)).second) out.push_back(TagCount{parent, 0, 0});
    }
  }
  for (auto& t : out) t.links_below = below[fold_tag_name(t.name)];
  return out;
}

Status Store::rename_tag(std::string_view from, std::string_view to) {
  auto old_name = normalize_tag_name(from);
  if (!old_name.ok()) return old_name.error();
  auto new_name = normalize_tag_name(to);
  if (!new_name.ok()) return new_name.error();
  const std::string old_fold = fold_tag_name(*old_name);
  const std::string new_fold = fold_tag_name(*new_name);
  if (tag_is_within(new_fold, old_fold) && new_fold != old_fold) {
    return make_error(errc::kBadRequest, "cannot move tag \"" + *old_name + "\" below itself");
  }
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  // The tag and its subtree, deepest names untouched in order: id, name, fold.
  auto sel = db_.prepare("SELECT t.id, t.name, t.fold FROM tags t WHERE " + tag_subtree_condition(1));
  if (!sel.ok()) return sel.error();
  sel->bind(1, old_fold);
  struct Row { std::int64_t id; std::string name, fold; };
  std::vector<Row> rows;
  while (true) {
    auto row = sel->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    rows.push_back({sel->int64(0), sel->text(1), sel->text(2)});
  }
  // "dev" may exist only as the parent of "dev/cpp": renaming it renames the subtree.
  if (rows.empty()) return not_found_tag(*old_name);
  for (const auto& r : rows) {
    const std::string renamed = *new_name + r.name.substr(old_name->size());
    const std::string renamed_fold = fold_tag_name(renamed);
    if (renamed_fold != r.fold) {
      auto clash = db_.prepare("SELECT 1 FROM tags WHERE fold = ?1");
      if (!clash.ok()) return clash.error();
      clash->bind(1, renamed_fold);
      auto row = clash->step();
      if (!row.ok()) return row.error();
      if (*row) {
        return make_error(errc::kConflict, "a tag named \"" + renamed + "\" already exists; use "
                                           "`linksnap tags merge` to combine the two");
      }
    }
    auto upd = db_.prepare("UPDATE tags SET name = ?2, fold = ?3 WHERE id = ?1");
    if (!upd.ok()) return upd.error();
    LINKSNAP_TRY(upd->bind(1, r.id).bind(2, renamed).bind(3, renamed_fold).run());
    // The index holds the tag's tokens, not its name: only the name lookup changes.
    LINKSNAP_TRY(index_tag_name(r.id, renamed));
  }
  return tx->commit();
}

Status Store::merge_tags(std::string_view from, std::string_view into) {
  auto from_name = normalize_tag_name(from);
  if (!from_name.ok()) return from_name.error();
  auto into_name = normalize_tag_name(into);
  if (!into_name.ok()) return into_name.error();
  const std::string from_fold = fold_tag_name(*from_name);
  const std::string into_fold = fold_tag_name(*into_name);
  if (from_fold == into_fold) return make_error(errc::kBadRequest, "cannot merge a tag into itself");
  if (tag_is_within(into_fold, from_fold)) {
    return make_error(errc::kBadRequest, "cannot merge tag \"" + *from_name + "\" into a tag below it");
  }
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  auto sel = db_.prepare("SELECT t.id, t.name FROM tags t WHERE " + tag_subtree_condition(1));
  if (!sel.ok()) return sel.error();
  sel->bind(1, from_fold);
  std::vector<std::pair<std::int64_t, std::string>> rows;
  while (true) {
    auto row = sel->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    rows.emplace_back(sel->int64(0), sel->text(1));
  }
  if (rows.empty()) return not_found_tag(*from_name);
  for (const auto& [id, name] : rows) {
    auto target = ensure_tag(*into_name + name.substr(from_name->size()));
    if (!target.ok()) return target.error();
    auto move = db_.prepare(
        "INSERT OR IGNORE INTO link_tags(link_id, tag_id, added_at) "
        "SELECT link_id, ?2, added_at FROM link_tags WHERE tag_id = ?1");
    if (!move.ok()) return move.error();
    LINKSNAP_TRY(move->bind(1, id).bind(2, *target).run());
    // Index rows keep the merged tag's tokens, which now stand for the target tag.
    auto tokens = db_.prepare("UPDATE tag_tokens SET tag_id = ?2 WHERE tag_id = ?1");
    if (!tokens.ok()) return tokens.error();
    LINKSNAP_TRY(tokens->bind(1, id).bind(2, *target).run());
    auto del = db_.prepare("DELETE FROM tags WHERE id = ?1");
    if (!del.ok()) return del.error();
    LINKSNAP_TRY(del->bind(1, id).run());
  }
  LINKSNAP_TRY(forget_deleted_tag_names());
  return tx->commit();
}

Status Store::delete_tag(std::string_view name) {
  auto normalized = normalize_tag_name(name);
  if (!normalized.ok()) return normalized.error();
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  auto sel = db_.prepare("SELECT id FROM tags WHERE fold = ?1");
  if (!sel.ok()) return sel.error();
  sel->bind(1, fold_tag_name(*normalized));
  auto row = sel->step();
  if (!row.ok()) return row.error();
  if (!*row) return not_found_tag(*normalized);
  const std::int64_t tag_id = sel->int64(0);
  // Its tokens go by cascade: index rows that still hold them match no tag any more.
  auto del = db_.prepare("DELETE FROM tags WHERE id = ?1");
  if (!del.ok()) return del.error();
  LINKSNAP_TRY(del->bind(1, tag_id).run());
  LINKSNAP_TRY(forget_deleted_tag_names());
  return tx->commit();
}

}  // namespace linksnap::store
