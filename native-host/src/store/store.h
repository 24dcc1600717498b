// The store: one SQLite database (links, snapshots, resources, tags, search index) plus the
// content-addressed blob directory, under one data dir. One Store per thread; several
// processes may open the same data dir at once (WAL, busy timeout, IMMEDIATE transactions).
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/blob_store.h"
#include "store/sqlite.h"
#include "util/clock.h"
#include "util/result.h"

namespace linksnap::store {

struct LinkRecord {
  std::int64_t id = 0;
  std::string url;
  std::string normalized_url;
  std::string title;
  std::string note;
  std::string created_at;
  std::string updated_at;
  std::vector<std::string> tags;  // names, sorted case-insensitively
  std::int64_t snapshot_count = 0;
  std::string last_captured_at;   // "" when the link has no snapshot
};

struct SnapshotRecord {
  std::int64_t id = 0;
  std::int64_t link_id = 0;
  std::string captured_at;
  std::string source;  // "dom" | "fetch" | "render" | "capture"
  std::string url;
  std::string title;
  std::string root_blob;   // the document: HTML, or the file as it is (media_type)
  std::int64_t html_bytes = 0;
  std::int64_t total_bytes = 0;
  std::int64_t resource_count = 0;
  std::int64_t failed_count = 0;
  std::string media_type = "text/html";  // of the root blob: "application/pdf", "image/png", ...
  std::int64_t page_count = 0;           // a PDF's pages; 0 for anything not paged
  // For a WARC (schema 4): the page's HTTP exchange ("" when none was kept: a DOM capture, or
  // a snapshot from before), and the document as received when root_blob is rewritten.
  std::string request_head;
  std::string response_head;
  std::optional<std::string> original_blob;
};

struct ResourceRecord {
  std::string url;
  std::optional<std::string> final_url;
  std::optional<std::string> blob;  // set when stored
  std::string mime;
  std::optional<std::int64_t> http_status;
  std::int64_t size = 0;
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
};

// What a WARC needs of one fetch (schema 4): the request as sent and the response's status
// line and headers as received (raw CRLF blocks, "" when not kept), and for a stylesheet or
// frame whose stored blob is rewritten, the body as the server sent it (decoded). Held apart
// from ResourceRecord so the 100,000 references a page may name cost a pointer each.
struct HttpExchange {
  std::string request_head;
  std::string response_head;
  std::optional<std::string> original_bytes;  // stored as a blob of its own
};

// A saved resource with its exchange, as an export reads it.
struct StoredResource {
  ResourceRecord record;
  std::string request_head;   // "" when not kept (saved before schema 4)
  std::string response_head;
  std::optional<std::string> original_blob;
};

// One fetched or failed resource handed to save_snapshot; `bytes` set when it was fetched, or
// (no bytes) `record.blob` and `record.size` when it was streamed to its blob file already.
struct ResourceInput {
  ResourceRecord record;
  std::optional<std::string> bytes;
  std::shared_ptr<const HttpExchange> exchange;  // null: none kept
};

struct SnapshotInput {
  std::string url;     // page URL (for a fetch: the final URL after redirects)
  std::string requested_url;  // what the person asked for; the link's identity ("" = url)
  std::string title;   // "" keeps the link's current title
  std::string source;  // "dom" | "fetch" | "render" (headless browser) | "capture"
  std::string html;    // the stored document, UTF-8; for a file (media_type), its bytes
  // Set: the root streamed to this blob (committed) while it was fetched; `html` is empty
  // and root_size gives the blob's size. A 256 MiB file never sits in memory.
  std::optional<std::string> root_blob;
  std::int64_t root_size = 0;
  std::string media_type = "text/html";
  std::int64_t page_count = 0;  // a PDF's pages
  std::string text;    // visible text, for the search index
  std::vector<ResourceInput> resources;
  std::vector<std::string> tags;  // added to the link (not replacing its tags)
  // For a WARC: the page's exchange, and the document as received (or as captured) when
  // `html` is not that (stored as the snapshot's original_blob).
  std::string request_head;
  std::string response_head;
  std::optional<std::string> original_bytes;
  // Or, set: that document already written to this blob (committed), original_size bytes; a
  // page of many MiB is then not held in memory until the save.
  std::optional<std::string> original_blob;
  std::int64_t original_size = 0;
};

struct SaveResult {
  LinkRecord link;
  SnapshotRecord snapshot;
  bool created_link = false;
};

// A link to add without a snapshot (bookmark import): found by its normalized URL, else
// created with these fields.
struct ImportLink {
  std::string url;
  std::string title;
  std::string note;
  std::string created_at;  // format_utc; "" = now
  std::vector<std::string> tags;
};

struct ImportOutcome {
  std::vector<std::int64_t> link_ids;  // one per ImportLink, in order
  std::int64_t created = 0;            // new links
  std::int64_t merged = 0;             // existing links that gained tags, a title or a note
  std::int64_t unchanged = 0;          // existing links that already had everything
};

struct TagCount {
  std::string name;
  std::int64_t links = 0;        // links carrying exactly this tag
  std::int64_t links_below = 0;  // links carrying this tag or one under it
};

struct SearchHit {
  LinkRecord link;
  std::string snippet_html;  // HTML-escaped text with <mark>…</mark> around matches
  double rank = 0;           // lower is better (search_rank.h)
};

struct ListOptions {
  std::vector<std::string> tags;  // every one must match (a tag or one below it)
  std::int64_t limit = 100;
  std::int64_t offset = 0;
};

struct SearchOptions {
  std::string query;
  std::vector<std::string> tags;
  std::int64_t limit = 20;
};

class Store {
 public:
  // Opens (creating, migrating) the store in data_dir, made private (0700) if new.
  static Result<Store> open(const boost::filesystem::path& data_dir, const Clock& clock);

  Store(Store&&) noexcept = default;
  Store& operator=(Store&&) = delete;

  const boost::filesystem::path& data_dir() const { return data_dir_; }
  BlobStore& blobs() { return blobs_; }
  Database& db() { return db_; }
  const Clock& clock() const { return *clock_; }

  // Adds a snapshot to the link for input.url (creating the link the first time), stores its
  // blobs, tags the link and reindexes it — atomically: after a crash either all of it is
  // there or none of it is visible.
  Result<SaveResult> save_snapshot(const SnapshotInput& input);

  // Adds links without snapshots, `batch_size` per transaction: a link already there (same
  // normalized URL) gains the tags, and the title and note if it had none, and keeps the
  // earlier created_at. Idempotent, so an interrupted import run again adds nothing twice.
  // Errors (bad_request) for a URL that does not normalize; nothing of that batch is kept.
  Result<ImportOutcome> import_links(const std::vector<ImportLink>& links,
                                     std::size_t batch_size = 2000);

  Result<LinkRecord> get_link(std::int64_t id);
  // Looks a link up by any URL of the page (normalized first); not_found if none.
  Result<LinkRecord> find_link_by_url(std::string_view url);
  // `status` "" lists any link; else only those whose newest check found that state
  // (link_status.h: ok, redirected, broken, error).
  Result<std::vector<LinkRecord>> list_links(const ListOptions& options, std::string_view status = "");
  // How many links list_links would page through with these filters (no limit).
  Result<std::int64_t> count_links(const std::vector<std::string>& tags, std::string_view status = "");
  Result<std::vector<SearchHit>> search(const SearchOptions& options);

  Result<std::vector<SnapshotRecord>> snapshots_of(std::int64_t link_id);
  Result<SnapshotRecord> get_snapshot(std::int64_t snapshot_id);
  Result<std::vector<ResourceRecord>> resources_of(std::int64_t snapshot_id);
  // The saved resources of a snapshot (those with a blob) with their exchanges, for a WARC.
  Result<std::vector<StoredResource>> exchanges_of(std::int64_t snapshot_id);

  // Updates the title (then later snapshots keep it) and/or the note.
  Result<LinkRecord> update_link(std::int64_t id, const std::optional<std::string>& title,
                                 const std::optional<std::string>& note);
  Status delete_link(std::int64_t id);
  // Deletes several links in one transaction, with one garbage collection of their files;
  // not_found (and nothing deleted) if one of them does not exist.
  Status delete_links(const std::vector<std::int64_t>& ids);

  Result<LinkRecord> add_tags(std::int64_t link_id, const std::vector<std::string>& names);
  Result<LinkRecord> remove_tags(std::int64_t link_id, const std::vector<std::string>& names);
  // The same for many links at once, set-based in one transaction (the manager's selection,
  // a script tagging 100,000 links). not_found (and nothing changed) if a link is missing;
  // untagging a link that lacks the tag is no error. Returns how many links changed.
  Result<std::int64_t> add_tags_to_links(const std::vector<std::int64_t>& link_ids,
                                         const std::vector<std::string>& names);
  Result<std::int64_t> remove_tags_from_links(const std::vector<std::int64_t>& link_ids,
                                              const std::vector<std::string>& names);
  Result<std::vector<TagCount>> list_tags();
  // Renames a tag and every tag below it ("dev" → "code" turns "dev/cpp" into "code/cpp").
  // conflict if the new name is taken (use merge).
  Status rename_tag(std::string_view from, std::string_view to);
  // Moves every link of `from` (and of tags below it, keeping their relative names) to `into`.
  Status merge_tags(std::string_view from, std::string_view into);
  // Deletes one tag (links keep their other tags; tags below it stay).
  Status delete_tag(std::string_view name);

 private:
  Store(boost::filesystem::path data_dir, Database db, const Clock& clock);

  std::string now() const;
  Result<std::vector<std::string>> tags_of(std::int64_t link_id);
  Result<std::int64_t> ensure_tag(std::string_view normalized_name);
  Status reindex_tags(std::int64_t link_id);
  // not_found for the first id (in the list's order) that names no link.
  Status require_links(const std::string& id_json);
  Status reindex_tags_of(const std::string& id_json);
  // The transaction of a bulk tag edit, the links in id_json checked and temp.changed_links
  // empty; finish_bulk_tagging reindexes the links the edit recorded there and commits.
  Result<Transaction> begin_bulk_tagging(const std::string& id_json);
  Result<std::int64_t> finish_bulk_tagging(Transaction& tx, bool prune);
  Status index_tag_name(std::int64_t tag_id, std::string_view name);
  Status prune_unused_tags();
  Status forget_deleted_tag_names();
  Status collect_garbage(const std::vector<std::string>& candidate_blobs);
  // Links matching `where` (over `links l`), in `order` ("" = any), with text_args bound as
  // ?1…?N and limit/offset after them.
  Result<std::string> link_filter_sql(const std::vector<std::string>& tags, std::string_view status,
                                      std::vector<std::string>& args);
  Result<std::vector<LinkRecord>> query_links(std::string_view where, std::string_view order,
                                              const std::vector<std::string>& text_args,
                                              std::int64_t limit, std::int64_t offset);

  boost::filesystem::path data_dir_;
  Database db_;
  BlobStore blobs_;
  const Clock* clock_;
};

}  // namespace linksnap::store
