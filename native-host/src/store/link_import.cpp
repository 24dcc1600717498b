// Store::import_links: many links without snapshots at once (bookmark import). Kept apart
// from store.cpp: it is the store's only bulk write path, tuned for 100,000 links (statements
// prepared once per batch, tag ids cached per batch).
#include <unordered_map>

#include "store/schema.h"
#include "store/store.h"
#include "store/tag_name.h"
#include "util/url.h"

namespace linksnap::store {


Result<ImportOutcome> Store::import_links(const std::vector<ImportLink>& links,
                                          std::size_t batch_size) {
  if (batch_size == 0) batch_size = 1;
  ImportOutcome outcome;
  outcome.link_ids.reserve(links.size());
  for (std::size_t begin = 0; begin < links.size(); begin += batch_size) {
    const std::size_t end = std::min(links.size(), begin + batch_size);
    ImportOutcome batch;
    auto tx = Transaction::begin(db_);
    if (!tx.ok()) return tx.error();
    const std::string at = now();

    auto find = db_.prepare("SELECT id, title, note, created_at FROM links WHERE normalized_url = ?1");
    if (!find.ok()) return find.error();
    auto insert = db_.prepare(
        "INSERT INTO links(url, normalized_url, title, note, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
    if (!insert.ok()) return insert.error();
    auto update = db_.prepare(
        "UPDATE links SET title = ?2, note = ?3, created_at = ?4 WHERE id = ?1");
    if (!update.ok()) return update.error();
    // The tags column holds the tags' stable tokens, never their names (schema.h).
    auto index = db_.prepare(
        std::string("INSERT OR REPLACE INTO search_index(rowid, title, url, body, tags) VALUES (?1, ?2, ?3, '', ") +
        kIndexedTagTokensOfLink + ")");
    if (!index.ok()) return index.error();
    auto index_title = db_.prepare("UPDATE search_index SET title = ?2 WHERE rowid = ?1");
    if (!index_title.ok()) return index_title.error();
    auto tag_link = db_.prepare(
        "INSERT OR IGNORE INTO link_tags(link_id, tag_id, added_at) VALUES (?1, ?2, ?3)");
    if (!tag_link.ok()) return tag_link.error();
    std::unordered_map<std::string, std::int64_t> tag_ids;  // fold -> id, this transaction

    for (std::size_t i = begin; i < end; ++i) {
      const ImportLink& link = links[i];
      auto normalized = url::normalize(link.url);
      if (!normalized.ok()) return normalized.error();
      std::vector<std::string> tag_names;
      for (const auto& raw : link.tags) {
        auto name = normalize_tag_name(raw);
        if (!name.ok()) return name.error();
        tag_names.push_back(std::move(*name));
      }
      const std::string created_at = link.created_at.empty() ? at : link.created_at;

      find->reset();
      find->bind(1, *normalized);
      auto row = find->step();
      if (!row.ok()) return row.error();
      std::int64_t link_id = 0;
      bool changed = false;
      bool title_changed = false;
      if (*row) {
        link_id = find->int64(0);
        std::string title = find->text(1), note = find->text(2), created = find->text(3);
        if (title.empty() && !link.title.empty()) {
          title = link.title;
          changed = title_changed = true;
        }
        if (note.empty() && !link.note.empty()) {
          note = link.note;
          changed = true;
        }
        if (created_at < created) {
          created = created_at;
          changed = true;
        }
        if (changed) {
          update->reset();
          LINKSNAP_TRY(update->bind(1, link_id).bind(2, title).bind(3, note).bind(4, created).run());
        }
      } else {
        insert->reset();
        LINKSNAP_TRY(insert->bind(1, link.url)
                         .bind(2, *normalized)
                         .bind(3, link.title)
                         .bind(4, link.note)
                         .bind(5, created_at)
                         .run());
        link_id = db_.last_insert_rowid();
      }

      bool tags_added = false;
      for (const auto& name : tag_names) {
        const std::string fold = fold_tag_name(name);
        auto cached = tag_ids.find(fold);
        std::int64_t tag_id = 0;
        if (cached != tag_ids.end()) {
          tag_id = cached->second;
        } else {
          auto id = ensure_tag(name);
          if (!id.ok()) return id.error();
          tag_id = *id;
          tag_ids.emplace(fold, tag_id);
        }
        tag_link->reset();
        LINKSNAP_TRY(tag_link->bind(1, link_id).bind(2, tag_id).bind(3, at).run());
        if (db_.changes() > 0) tags_added = true;
      }

      if (*row) {
        if (tags_added) LINKSNAP_TRY(reindex_tags(link_id));
        if (title_changed) {
          index_title->reset();
          LINKSNAP_TRY(index_title->bind(1, link_id).bind(2, link.title).run());
        }
        if (changed || tags_added) {
          ++batch.merged;
        } else {
          ++batch.unchanged;
        }
      } else {
        index->reset();
        LINKSNAP_TRY(index->bind(1, link_id)
                         .bind(2, link.title)
                         .bind(3, link.url)
                         .run());
        ++batch.created;
      }
      batch.link_ids.push_back(link_id);
    }
    LINKSNAP_TRY(tx->commit());
    outcome.created += batch.created;
    outcome.merged += batch.merged;
    outcome.unchanged += batch.unchanged;
    outcome.link_ids.insert(outcome.link_ids.end(), batch.link_ids.begin(), batch.link_ids.end());
  }
  return outcome;
}

}  // namespace linksnap::store
