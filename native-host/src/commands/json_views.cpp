#include "commands/json_views.h"

namespace linksnap::commands {

using nlohmann::json;

json link_json(const store::LinkRecord& l) {
  return json{{"id", l.id},
              {"url", l.url},
              {"normalized_url", l.normalized_url},
              {"title", l.title},
              {"note", l.note},
              {"tags", l.tags},
              {"created_at", l.created_at},
              {"updated_at", l.updated_at},
              {"snapshot_count", l.snapshot_count},
              {"last_captured_at", l.last_captured_at.empty() ? json(nullptr) : json(l.last_captured_at)}};
}

json snapshot_json(const store::SnapshotRecord& s) {
  return json{{"id", s.id},
              {"link_id", s.link_id},
              {"captured_at", s.captured_at},
              {"source", s.source},
              {"url", s.url},
              {"title", s.title},
              {"html_bytes", s.html_bytes},
              {"total_bytes", s.total_bytes},
              {"resource_count", s.resource_count},
              {"failed_count", s.failed_count},
              {"media_type", s.media_type},
              {"page_count", s.page_count}};
}

json resource_json(const store::ResourceRecord& r) {
  json j{{"url", r.url}, {"mime", r.mime}, {"size", r.size}, {"saved", r.blob.has_value()}};
  j["final_url"] = r.final_url ? json(*r.final_url) : json(nullptr);
  j["http_status"] = r.http_status ? json(*r.http_status) : json(nullptr);
  j["error"] = r.error_code ? json{{"code", *r.error_code}, {"message", r.error_message.value_or("")}}
                            : json(nullptr);
  return j;
}

json tag_json(const store::TagCount& t) {
  return json{{"name", t.name}, {"links", t.links}, {"links_below", t.links_below}};
}

json hit_json(const store::SearchHit& h) {
  json j = link_json(h.link);
  j["snippet"] = h.snippet_html;
  j["rank"] = h.rank;
  return j;
}

json status_json(const store::LinkStatus& s) {
  return json{{"state", s.state},
              {"code", s.http_status ? json(*s.http_status) : json(nullptr)},
              {"detail", s.detail},
              {"checked_at", s.checked_at},
              {"redirected_to", s.redirected_to.empty() ? json(nullptr) : json(s.redirected_to)}};
}

Status attach_statuses(store::Store& store, json& links) {
  std::vector<std::int64_t> ids;
  for (const auto& l : links) ids.push_back(l.at("id").get<std::int64_t>());
  auto statuses = store::statuses_of(store, ids);
  if (!statuses.ok()) return statuses.error();
  for (auto& l : links) {
    const auto it = statuses->find(l.at("id").get<std::int64_t>());
    l["status"] = it == statuses->end() ? json(nullptr) : status_json(it->second);
  }
  return ok_status();
}

}  // namespace linksnap::commands
