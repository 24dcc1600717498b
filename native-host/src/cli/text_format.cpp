#include "cli/text_format.h"

#include <locale.h>
#include <wchar.h>

#include <sstream>

#include "cli/history_format.h"
#include "util/clock.h"
#include "util/utf8.h"

namespace linksnap::cli {

using nlohmann::json;

namespace {

int columns_of(char32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return 0;
  // wcwidth needs a UTF-8 LC_CTYPE; East Asian wide ranges are covered by the fallback below.
  static const bool utf8_locale = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (l) uselocale(l);
    return l != static_cast<locale_t>(0);
  }();
  if (utf8_locale) {
    const int w = wcwidth(static_cast<wchar_t>(cp));
    if (w >= 0) return w;
  }
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

std::string pad(std::string_view text, std::size_t columns) {
  std::string out = fit_width(text, columns);
  const std::size_t w = display_width(out);
  if (w < columns) out.append(columns - w, ' ');
  return out;
}

std::string join_tags(const json& tags) {
  std::string out;
  if (!tags.is_array()) return out;
  for (const auto& t : tags) {
    if (!out.empty()) out += ", ";
    out += t.get<std::string>();
  }
  return out;
}

std::string local_time(const json& iso) {
  return iso.is_string() ? format_local(iso.get<std::string>()) : std::string("-");
}

std::string title_or_url(const json& link) {
  const std::string title = link.value("title", "");
  return title.empty() ? link.value("url", "") : title;
}

// What the link's last check found, in front of its title when it is not plain ok: "[404] ",
// "[moved] ", "[unreachable] ".
std::string status_mark(const json& link) {
  if (!link.contains("status") || !link.at("status").is_object()) return "";
  const json& st = link.at("status");
  const std::string state = st.value("state", "");
  if (state == "broken") return "[" + std::to_string(st.value("code", 0)) + "] ";
  if (state == "redirected") return "[moved] ";
  if (state == "error") return "[unreachable] ";
  return "";
}

std::string human_bytes(std::int64_t n) {
  std::ostringstream s;
  if (n < 1024) {
    s << n << " B";
  } else if (n < 1024 * 1024) {
    s.precision(1);
    s << std::fixed << static_cast<double>(n) / 1024 << " KiB";
  } else {
    s.precision(1);
    s << std::fixed << static_cast<double>(n) / (1024 * 1024) << " MiB";
  }
  return s.str();
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    i += utf8::decode(text, i, cp);
    w += static_cast<std::size_t>(columns_of(cp));
  }
  return w;
}

std::string fit_width(std::string_view text, std::size_t columns) {
  if (display_width(text) <= columns) return std::string(text);
  std::string out;
  std::size_t w = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = utf8::decode(text, i, cp);
    const auto cw = static_cast<std::size_t>(columns_of(cp));
    if (w + cw + 1 > columns) break;  // keep one column for the ellipsis
    out.append(text.substr(i, len));
    w += cw;
    i += len;
  }
  return out + "…";
}

std::string snippet_to_text(std::string_view html, std::string_view open, std::string_view close) {
  std::string out;
  for (std::size_t i = 0; i < html.size();) {
    auto starts = [&](std::string_view s) { return html.substr(i, s.size()) == s; };
    if (starts("<mark>")) { out += open; i += 6; }
    else if (starts("</mark>")) { out += close; i += 7; }
    else if (starts("&amp;")) { out += '&'; i += 5; }
    else if (starts("&lt;")) { out += '<'; i += 4; }
    else if (starts("&gt;")) { out += '>'; i += 4; }
    else if (starts("&quot;")) { out += '"'; i += 6; }
    else if (starts("&#39;")) { out += '\''; i += 5; }
    else { out += html[i]; ++i; }
  }
  // Snippets span lines of the page; one line reads better in a terminal.
  for (auto& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string format_saved(const json& result) {
  const json& link = result.at("link");
  const json& snap = result.at("snapshot");
  std::ostringstream s;
  s << (result.value("created", false) ? "Saved new link " : "Saved a new snapshot of link ")
    << link.at("id").get<std::int64_t>() << " (snapshot " << snap.at("id").get<std::int64_t>()
    << ", " << human_bytes(snap.value("total_bytes", std::int64_t{0}));
  const auto resource_count = snap.value("resource_count", std::int64_t{0});
  if (resource_count > 0) {
    s << ", " << resource_count << " resources";
    const auto failed = snap.value("failed_count", std::int64_t{0});
    if (failed > 0) s << ", " << failed << " missing: see `linksnap show " << link.at("id").get<std::int64_t>() << "`";
  }
  s << ")\n"
    << "  " << title_or_url(link) << "\n"
    << "  " << link.value("url", "") << "\n";
  const std::string tags = join_tags(link.at("tags"));
  if (!tags.empty()) s << "  tags: " << tags << "\n";
  return s.str();
}

std::string format_links(const json& links, std::size_t width) {
  if (links.empty()) return "No links.\n";
  std::ostringstream s;
  const std::size_t id_w = 5, time_w = 16, tags_w = 24;
  const std::size_t title_w = width > id_w + time_w + tags_w + 6 ? width - id_w - time_w - tags_w - 6 : 30;
  s << pad("ID", id_w) << "  " << pad("SAVED", time_w) << "  " << pad("TITLE", title_w) << "  TAGS\n";
  for (const auto& l : links) {
    s << pad(std::to_string(l.at("id").get<std::int64_t>()), id_w) << "  "
      << pad(local_time(l.at("last_captured_at")), time_w) << "  " << pad(status_mark(l) + title_or_url(l), title_w)
      << "  " << fit_width(join_tags(l.at("tags")), tags_w) << "\n";
  }
  return s.str();
}

std::string format_search(const json& results, bool color) {
  if (results.empty()) return "No matches.\n";
  std::ostringstream s;
  for (const auto& r : results) {
    s << r.at("id").get<std::int64_t>() << "  " << title_or_url(r) << "\n"
      << "   " << r.value("url", "") << "\n";
    const std::string snippet = snippet_to_text(r.value("snippet", ""), color ? "\x1b[1;33m" : "[",
                                                color ? "\x1b[0m" : "]");
    if (!snippet.empty()) s << "   " << snippet << "\n";
    const std::string tags = join_tags(r.at("tags"));
    s << "   " << local_time(r.at("last_captured_at")) << (tags.empty() ? "" : "  tags: " + tags) << "\n";
  }
  return s.str();
}

std::string format_show(const json& result) {
  const json& link = result.at("link");
  std::ostringstream s;
  s << "Link " << link.at("id").get<std::int64_t>() << ": " << title_or_url(link) << "\n"
    << "  url:     " << link.value("url", "") << "\n"
    << "  tags:    " << join_tags(link.at("tags")) << "\n"
    << "  created: " << local_time(link.at("created_at")) << "\n";
  if (!link.value("note", "").empty()) s << "  note:    " << link.value("note", "") << "\n";
  if (link.contains("status") && link.at("status").is_object()) {
    s << "  status:  " << format_status(link.at("status")) << "\n";
  }
  s << "Snapshots (" << result.at("snapshots").size() << "):\n";
  for (const auto& snap : result.at("snapshots")) {
    s << "  " << pad(std::to_string(snap.at("id").get<std::int64_t>()), 5) << "  "
      << local_time(snap.at("captured_at")) << "  " << pad(snap.value("source", ""), 6) << "  "
      << human_bytes(snap.value("total_bytes", std::int64_t{0})) << ", ";
    const std::string media_type = snap.value("media_type", "text/html");
    if (media_type != "text/html") {
      // A file kept as it is (a PDF, an image, ...): its type, and a PDF's pages.
      s << media_type;
      const auto pages = snap.value("page_count", std::int64_t{0});
      if (pages > 0) s << ", " << pages << (pages == 1 ? " page" : " pages");
      s << "\n";
      continue;
    }
    s << snap.value("resource_count", std::int64_t{0}) << " resources ("
      << snap.value("failed_count", std::int64_t{0}) << " missing)\n";
  }
  const json& resources = result.at("resources");
  if (!resources.empty()) {
    std::int64_t missing = 0;
    for (const auto& r : resources) missing += r.value("saved", false) ? 0 : 1;
    std::int64_t total = static_cast<std::int64_t>(resources.size());
    const json totals = result.value("resource_totals", json::object());
    if (totals.is_object() && totals.contains("total")) {
      total = totals.value("total", total);
      missing = totals.value("missing", missing);
    }
    s << "Resources of the newest snapshot (" << total - missing << " saved, " << missing
      << " missing):\n";
    if (totals.is_object() && totals.contains("missing_by_reason") && missing > 0) {
      s << "  missing by reason:";
      const char* sep = " ";
      for (const auto& [reason, count] : totals.at("missing_by_reason").items()) {
        s << sep << reason << " " << count.get<std::int64_t>();
        sep = ", ";
      }
      s << "\n";
    }
    for (const auto& r : resources) {
      const std::string mime = r.value("mime", "");
      if (r.value("saved", false)) {
        s << "  saved    " << pad(human_bytes(r.value("size", std::int64_t{0})), 10) << "  "
          << pad(mime.empty() ? "?" : mime, 24) << "  " << r.value("url", "") << "\n";
        continue;
      }
      std::string why;
      if (r.at("error").is_object()) {
        why = r.at("error").value("code", "") + ": " + r.at("error").value("message", "");
      } else if (r.contains("http_status") && r.at("http_status").is_number_integer()) {
        why = "HTTP " + std::to_string(r.at("http_status").get<std::int64_t>());
      }
      s << "  MISSING  " << r.value("url", "") << "\n";
      if (!why.empty()) s << "           " << why << "\n";
      const std::string final_url =
          r.contains("final_url") && r.at("final_url").is_string() ? r.at("final_url").get<std::string>() : "";
      if (!final_url.empty() && final_url != r.value("url", "")) {
        s << "           (redirected to " << final_url << ")\n";
      }
    }
    if (static_cast<std::int64_t>(resources.size()) < total) {
      s << "  ... and " << total - static_cast<std::int64_t>(resources.size())
        << " more not listed (the counts above include them)\n";
    }
  }
  return s.str();
}

std::string format_exported(const json& result) {
  const json& snap = result.at("snapshot");
  std::ostringstream s;
  s << "Exported snapshot " << snap.at("id").get<std::int64_t>() << " of link "
    << snap.at("link_id").get<std::int64_t>() << " to " << result.value("file", "") << " ("
    << human_bytes(result.value("bytes", std::int64_t{0})) << ", opens offline).\n";
  return s.str();
}

std::string format_web_archive(const json& r) {
  std::ostringstream s;
  const auto n = [&](const char* key) { return r.value(key, std::int64_t{0}); };
  s << "Exported " << n("snapshots") << (n("snapshots") == 1 ? " snapshot" : " snapshots") << " of "
    << n("links") << (n("links") == 1 ? " link" : " links") << " to " << r.value("file", "") << " ("
    << human_bytes(r.value("bytes", std::int64_t{0})) << "): " << n("records") << " records, "
    << n("responses") << " responses, " << n("revisits") << " revisits, " << n("resources")
    << " captured pages.\n";
  if (n("synthesized_headers") > 0) {
    s << n("synthesized_headers")
      << " responses have synthesized headers (saved before LinkSnap kept them).\n";
  }
  if (n("skipped") > 0) s << n("skipped") << " resources were left out (file missing or URL too long).\n";
  return s.str();
}

std::string format_tags(const json& tags) {
  if (tags.empty()) return "No tags.\n";
  std::ostringstream s;
  s << pad("LINKS", 6) << "  TAG\n";
  for (const auto& t : tags) {
    const auto own = t.value("links", std::int64_t{0});
    const auto below = t.value("links_below", std::int64_t{0});
    s << pad(std::to_string(own), 6) << "  " << t.value("name", "");
    if (below != own) s << "  (" << below << " including sub-tags)";
    s << "\n";
  }
  return s.str();
}

std::string format_check(const json& report) {
  std::ostringstream s;
  const json& c = report.at("counts");
  s << "Checked " << c.value("links", 0) << " links, " << c.value("snapshots", 0) << " snapshots, "
    << c.value("resources", 0) << " resources, " << c.value("blobs", 0) << " stored files.\n";
  for (const auto& p : report.at("problems")) s << "DAMAGED: " << p.get<std::string>() << "\n";
  for (const auto& l : report.at("leftovers")) s << "leftover: " << l.get<std::string>() << "\n";
  for (const auto& r : report.at("repaired")) s << "repaired: " << r.get<std::string>() << "\n";
  if (report.at("problems").empty()) {
    s << (report.at("leftovers").empty() || !report.at("repaired").empty()
              ? "The store is whole.\n"
              : "The store is whole; `linksnap check --repair` removes the leftovers.\n");
  }
  return s.str();
}

std::string format_diff(const json& result, bool color) {
  std::ostringstream out;
  const json& from = result.at("from");
  const json& to = result.at("to");
  out << "Snapshot " << from.value("id", 0) << " (" << local_time(from.value("captured_at", json())) << ") → "
      << to.value("id", 0) << " (" << local_time(to.value("captured_at", json())) << ")\n";
  if (result.value("identical", false)) {
    out << "The text did not change.\n";
  } else {
    out << "Text: " << result.value("inserted_chars", 0) << " characters inserted, "
        << result.value("deleted_chars", 0) << " deleted, in " << result.at("hunks").size()
        << (result.at("hunks").size() == 1 ? " place" : " places") << ".\n";
  }
  const char* del_open = color ? "\x1b[31m[-" : "[-";
  const char* del_close = color ? "-]\x1b[0m" : "-]";
  const char* ins_open = color ? "\x1b[32m{+" : "{+";
  const char* ins_close = color ? "+}\x1b[0m" : "+}";
  for (const auto& hunk : result.at("hunks")) {
    out << "\n@@ -" << hunk.value("old_offset", 0) << " +" << hunk.value("new_offset", 0) << " @@\n";
    for (const auto& seg : hunk.at("segments")) {
      const std::string op = seg.value("op", "");
      const std::string text = seg.value("text", "");
      if (op == "insert") {
        out << ins_open << text << ins_close;
      } else if (op == "delete") {
        out << del_open << text << del_close;
      } else {
        out << text;
      }
    }
    out << "\n";
  }
  const json& res = result.at("resources");
  for (const auto& [key, label] : {std::pair{"added", "Resources added"}, std::pair{"removed", "Resources removed"},
                                   std::pair{"changed", "Resources changed"}}) {
    if (res.at(key).empty()) continue;
    out << "\n" << label << " (" << res.at(key).size() << "):\n";
    for (const auto& u : res.at(key)) out << "  " << u.get<std::string>() << "\n";
  }
  return out.str();
}

}  // namespace linksnap::cli
