// Shared by every capture module that parses HTML with gumbo: gumbo's work on one document
// bounded (tree depth, memory, CPU time) and an owning wrapper for its parse tree.
//
// gumbo 0.10.1 (unmaintained) has quadratic and worse corners (deep or misnested markup,
// <rt> outside <ruby>) and frees its tree recursively (a stack overflow on deep trees), and
// its tree costs ~175-450 bytes per element. An estimate from the bytes always misses some
// shape, so the parser's own work is bounded: it allocates from an arena (freed at once,
// never recursively) that refuses to grow past a byte budget or a CPU deadline and then
// unwinds out of the parse. A document past a limit is parsed as far as fits: a shorter
// prefix, cut before a tag.
#pragma once

#include <gumbo.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace linksnap::capture {

struct ParseBudget {
  std::size_t max_depth = 512;          // elements nested (Blink caps its DOM at 512 too)
  std::size_t max_bytes = 48u << 20;    // gumbo's memory for the tree and its own state
  std::chrono::milliseconds max_cpu{6000};  // this thread's CPU time, all attempts together
};

// The budget for a page of page_bytes: gumbo's memory (recycling what it frees) is ~6.5
// bytes per byte of ordinary markup (65 MiB for 10 MB of paragraphs) and more for dense
// tags. It gets 16 bytes per byte of page, at least 64 MiB, but never more than 112 MiB less
// two copies of the page (nor less than 16 MiB), so that a save stays under 128 MiB: a real
// 10 MB page is parsed whole, 31 MiB of <br> is cut. The rest as ParseBudget{}.
ParseBudget budget_for_page(std::size_t page_bytes);

// What cut a document short, if anything.
enum class ParseCut { kNone, kDepth, kMemory, kTime };

// Byte offset up to which gumbo may parse `html` in reasonable time: the start of the first
// tag that would push the estimated nesting depth past 512 (Blink's own DOM depth cap), or
// that carries more than 1024 attributes (also counted over all <html> and <body> tags,
// which merge into one element; gumbo is quadratic in both), else html.size(). Linear in
// the input. A cheap first cut for GumboDocument; the budget is what bounds gumbo.
std::size_t gumbo_safe_length(std::string_view html);

class ParseArena;

// A gumbo parse, within `budget`, of the longest prefix of `html` that fits: all of it, or
// (past a limit) a prefix ending before a '<'. `html` must outlive it (the tree points into
// it for offsets). gumbo's CPU time over all attempts stays under budget.max_cpu plus one
// allocation's worth (the linear gumbo_safe_length pass before it is not counted); its
// memory under budget.max_bytes. Never fails: at worst the tree is that of an empty document.
class GumboDocument {
 public:
  explicit GumboDocument(std::string_view html, const ParseBudget& budget = ParseBudget{});
  GumboDocument(const GumboDocument&) = delete;
  GumboDocument& operator=(const GumboDocument&) = delete;
  ~GumboDocument();

  const GumboOutput* output() const { return output_; }  // never nullptr
  std::size_t parsed_length() const { return parsed_length_; }  // the prefix of html parsed
  ParseCut cut() const { return cut_; }  // why parsed_length < html.size()
  const ParseBudget& budget() const { return budget_; }

 private:
  ParseBudget budget_;
  std::unique_ptr<ParseArena> arena_;  // owns every byte of output_
  GumboOptions options_;
  GumboOutput* output_ = nullptr;
  std::size_t parsed_length_ = 0;
  ParseCut cut_ = ParseCut::kNone;
};

// What a reader of the snapshot is told about a cut, "" if the document was parsed whole:
// "the page's markup is too complex to save in full (elements nested more than 512 deep):
// the first 1.2 MiB of its 31.0 MiB were saved" (sizes in bytes, KiB or MiB). `total_length`
// is the document's length.
std::string parse_cut_note(const GumboDocument& doc, std::size_t total_length);

// Where a snapshot records that its document was cut: <meta name="linksnap-note"
// content="(note)">, inserted where a <meta charset> would go (never at the cut itself, which
// may be inside an unclosed attribute value or comment). "" for no note.
std::string parse_cut_meta(std::string_view note);

// A node's children for an iterative walk (documents, elements, templates); nullptr otherwise.
inline const GumboVector* children_of(const GumboNode* node) {
  switch (node->type) {
    case GUMBO_NODE_DOCUMENT:
      return &node->v.document.children;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      return &node->v.element.children;
    default:
      return nullptr;
  }
}

}  // namespace linksnap::capture
