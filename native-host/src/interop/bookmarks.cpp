#include "interop/bookmarks.h"

#include <gumbo.h>

#include <algorithm>
#include <cstdio>
#include <strings.h>

#include "capture/gumbo_guard.h"

namespace linksnap::interop {

namespace {

constexpr std::int64_t kMaxBookmarkDate = 9'000'000'000;  // 2255-03-14

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Runs of whitespace become one space: titles and folder names are one line.
std::string one_line(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool is_element(const GumboNode* n, GumboTag tag) {
  return n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == tag;
}

// Text of a node and its descendants, not descending into nested lists (a <DD> that holds a
// folder's <DL> has only its own words as the description).
void append_text(const GumboNode* node, std::string& out) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
      node->type == GUMBO_NODE_CDATA) {
    out += node->v.text.text;
    return;
  }
  if (is_element(node, GUMBO_TAG_DL)) return;
  const GumboVector* kids = capture::children_of(node);
  if (kids == nullptr) return;
  for (unsigned i = 0; i < kids->length; ++i) {
    append_text(static_cast<const GumboNode*>(kids->data[i]), out);
  }
}

std::string text_of(const GumboNode* node) {
  std::string s;
  append_text(node, s);
  return s;
}

std::string attribute(const GumboNode* node, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a == nullptr ? std::string() : std::string(a->value);
}

std::vector<std::string> split_tags(std::string_view list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string t = one_line(list.substr(start, comma - start));
    if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
    start = comma + 1;
  }
  return out;
}

Error too_deep() {
  return make_error(errc::kBadRequest,
                    "the bookmark file nests its elements too deeply (or gives one element too "
                    "many attributes) to be read");
}

// Walks the lists of a parsed file. A folder is "<DT><H3>name</H3><DL>…</DL>"; the <DL> may
// also sit in a <DD> after the <H3> (a folder description, as Firefox writes it), so the last
// <H3> seen names the next list.
class Walker {
 public:
  Walker(const BookmarkFileLimits& limits, BookmarkFile& out) : limits_(limits), out_(out) {}

  // The whole document: Safari writes its folders ("<DT><H3>…</H3><DL>…") with no list
  // around them, so the walk starts at the root, not at the first <DL>.
  Status document(const GumboNode* root) {
    std::vector<std::string> path;
    State state;
    return children(root, path, state);
  }

  Status list(const GumboNode* dl, std::vector<std::string>& path) {
    if (path.size() > limits_.max_depth) {
      return make_error(errc::kBadRequest, "the bookmark file nests folders more than " +
                                               std::to_string(limits_.max_depth) + " deep");
    }
    State state;
    return children(dl, path, state);
  }

 private:
  struct State {
    std::optional<std::string> pending_folder;  // an <H3> whose <DL> has not come yet
    bool pending_is_root = false;               // that <H3> marks a browser's root folder
    std::optional<std::size_t> last_entry;      // the bookmark a <DD> would describe
  };

  Status children(const GumboNode* node, std::vector<std::string>& path, State& state) {
    const GumboVector* kids = capture::children_of(node);
    if (kids == nullptr) return ok_status();
    for (unsigned i = 0; i < kids->length; ++i) {
      LINKSNAP_TRY(item(static_cast<const GumboNode*>(kids->data[i]), path, state));
    }
    return ok_status();
  }

  Status item(const GumboNode* node, std::vector<std::string>& path, State& state) {
    if (node->type != GUMBO_NODE_ELEMENT) return ok_status();
    switch (node->v.element.tag) {
      case GUMBO_TAG_A:
        return bookmark(node, path, state);
      case GUMBO_TAG_H3:
        state.pending_folder = one_line(text_of(node));
        state.pending_is_root = attribute(node, "personal_toolbar_folder") == "true" ||
                                attribute(node, "unfiled_bookmarks_folder") == "true";
        state.last_entry.reset();
        ++out_.folders;
        return ok_status();
      case GUMBO_TAG_DL: {
        const bool named = state.pending_folder.has_value();
        if (named) {
          if (path.empty()) outermost_is_root_ = state.pending_is_root;
          path.push_back(*state.pending_folder);
        }
        state.pending_folder.reset();
        state.last_entry.reset();
        Status s = list(node, path);
        if (named) path.pop_back();
        return s;
      }
      case GUMBO_TAG_DD: {
        if (state.last_entry) {
          BookmarkEntry& e = out_.entries[*state.last_entry];
          if (e.note.empty()) e.note = trim(text_of(node));
        }
        state.last_entry.reset();
        return children_lists_only(node, path, state);
      }
      default:
        // <DT>, <p> and anything a hand-edited file wraps entries in.
        return children(node, path, state);
    }
  }

  // Inside a <DD> only nested lists matter; its text was the description.
  Status children_lists_only(const GumboNode* node, std::vector<std::string>& path, State& state) {
    const GumboVector* kids = capture::children_of(node);
    if (kids == nullptr) return ok_status();
    for (unsigned i = 0; i < kids->length; ++i) {
      const auto* kid = static_cast<const GumboNode*>(kids->data[i]);
      if (kid->type != GUMBO_NODE_ELEMENT) continue;
      if (is_element(kid, GUMBO_TAG_DL)) {
        LINKSNAP_TRY(item(kid, path, state));
      } else {
        LINKSNAP_TRY(children_lists_only(kid, path, state));
      }
    }
    return ok_status();
  }

  Status bookmark(const GumboNode* a, const std::vector<std::string>& path, State& state) {
    if (out_.entries.size() >= limits_.max_entries) {
      return make_error(errc::kTooLarge, "the bookmark file has more than " +
                                             std::to_string(limits_.max_entries) + " bookmarks");
    }
    BookmarkEntry e;
    e.url = trim(attribute(a, "href"));
    e.title = one_line(text_of(a));
    e.folders = path;
    e.outermost_folder_is_root = !path.empty() && outermost_is_root_;
    e.tags = split_tags(attribute(a, "tags"));
    e.add_date = parse_bookmark_date(attribute(a, "add_date"));
    e.last_modified = parse_bookmark_date(attribute(a, "last_modified"));
    out_.entries.push_back(std::move(e));
    state.last_entry = out_.entries.size() - 1;
    state.pending_folder.reset();
    return ok_status();
  }

  const BookmarkFileLimits& limits_;
  BookmarkFile& out_;
  bool outermost_is_root_ = false;  // of the outermost folder being walked
};

// The outermost lists in document order (one in most files; Safari writes one per folder).
void find_top_lists(const GumboNode* node, std::vector<const GumboNode*>& out) {
  if (is_element(node, GUMBO_TAG_DL)) {
    out.push_back(node);
    return;
  }
  const GumboVector* kids = capture::children_of(node);
  if (kids == nullptr) return;
  for (unsigned i = 0; i < kids->length; ++i) {
    find_top_lists(static_cast<const GumboNode*>(kids->data[i]), out);
  }
}

std::string mib(std::size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

void escape_into(std::string& out, std::string_view s, bool attribute_value) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute_value) {
          out += "&quot;";
        } else {
          out += c;
        }
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

std::string bookmark_file_too_large_message(std::size_t bytes, std::size_t limit) {
  return "the bookmark file is " + mib(bytes) + "; LinkSnap reads bookmark files of up to " + mib(limit);
}

std::string bookmark_file_too_complex_message(std::size_t bytes, bool time) {
  return "the bookmark file (" + mib(bytes) + ") is too large to read at once: " +
         (time ? "reading it took longer than the time allowed"
               : "it needs more memory than allowed") +
         "; split it into smaller files";
}

std::optional<std::int64_t> parse_bookmark_date(std::string_view text) {
  const std::string t = trim(text);
  if (t.empty() || t.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  // Seconds until the year 5138; beyond that the tool wrote milliseconds or microseconds.
  if (v >= 100'000'000'000'000LL) {
    v /= 1'000'000;
  } else if (v >= 100'000'000'000LL) {
    v /= 1'000;
  }
  // Past 2255 it is no bookmark's date (and system_clock's nanoseconds end in 2262).
  if (v > kMaxBookmarkDate) return std::nullopt;
  return v;
}

Result<BookmarkFile> read_bookmark_file(std::string_view html, const BookmarkFileLimits& limits) {
  if (html.size() > limits.max_bytes) {
    return make_error(errc::kTooLarge, bookmark_file_too_large_message(html.size(), limits.max_bytes));
  }
  if (html.substr(0, 3) == "\xEF\xBB\xBF") html.remove_prefix(3);
  if (capture::gumbo_safe_length(html) < html.size()) return too_deep();
  // A browser's export of 100,000 bookmarks is parsed whole (gumbo needs ~25 bytes of tree
  // per byte of such a file); past the budget the file is refused, never read in part.
  capture::ParseBudget budget;
  budget.max_bytes = limits.max_parse_bytes;
  budget.max_cpu = limits.max_parse_cpu;
  const capture::GumboDocument doc(html, budget);
  if (doc.cut() == capture::ParseCut::kMemory || doc.cut() == capture::ParseCut::kTime) {
    return make_error(errc::kTooLarge, bookmark_file_too_complex_message(html.size(), doc.cut() == capture::ParseCut::kTime));
  }
  if (doc.cut() == capture::ParseCut::kDepth) return too_deep();
  const GumboNode* document = doc.output()->document;
  const GumboDocument& d = document->v.document;
  if (!d.has_doctype || ::strcasecmp(d.name, "netscape-bookmark-file-1") != 0) {
    return make_error(errc::kBadRequest,
                      "not a bookmark file: it does not start with "
                      "<!DOCTYPE NETSCAPE-Bookmark-file-1>");
  }
  std::vector<const GumboNode*> lists;
  find_top_lists(document, lists);
  if (lists.empty() || lists.back()->v.element.original_end_tag.length == 0) {
    return make_error(errc::kBadRequest,
                      "the bookmark file is truncated: its list of bookmarks is not closed "
                      "(</DL> missing)");
  }
  BookmarkFile file;
  Walker walker(limits, file);
  LINKSNAP_TRY(walker.document(document));
  return file;
}

std::string write_bookmark_file(const std::vector<BookmarkOut>& links) {
  std::string out =
      "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
      "<!-- This is an automatically generated file.\n"
      "     It will be read and overwritten.\n"
      "     DO NOT EDIT! -->\n"
      "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n"
      "<TITLE>Bookmarks</TITLE>\n"
      "<H1>Bookmarks</H1>\n"
      "<DL><p>\n";
  out.reserve(out.size() + links.size() * 200);
  for (const auto& l : links) {
    out += "    <DT><A HREF=\"";
    escape_into(out, l.url, true);
    out += "\" ADD_DATE=\"" + std::to_string(l.add_date) + "\" LAST_MODIFIED=\"" +
           std::to_string(l.last_modified) + "\"";
    if (!l.tags.empty()) {
      std::string joined;
      for (const auto& t : l.tags) {
        if (!joined.empty()) joined += ',';
        std::string safe = t;
        std::replace(safe.begin(), safe.end(), ',', ' ');
        joined += safe;
      }
      out += " TAGS=\"";
      escape_into(out, joined, true);
      out += "\"";
    }
    out += ">";
    escape_into(out, l.title, false);
    out += "</A>\n";
    if (!l.note.empty()) {
      out += "    <DD>";
      escape_into(out, l.note, false);
      out += "\n";
    }
  }
  out += "</DL><p>\n";
  return out;
}

}  // namespace linksnap::interop
