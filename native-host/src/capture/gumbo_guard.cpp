#include "capture/gumbo_guard.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <vector>

namespace linksnap::capture {

namespace {

std::chrono::nanoseconds thread_cpu_time() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

// gumbo asks for many small blocks (~5 per element); mapping whole chunks keeps the arena's
// own overhead nil and gives every byte back to the system at once.
constexpr std::size_t kChunkBytes = 1u << 20;
constexpr std::size_t kAlign = alignof(std::max_align_t);
// Reading the thread's CPU clock is a system call; every 64th allocation is often enough
// (gumbo allocates several times per token even where it is slowest).
constexpr unsigned kClockEvery = 64;
// Past the time limit the next attempt parses a quarter of the bytes (gumbo's worst times
// grow quadratically), past the memory limit half (its memory grows about linearly), and at
// most as far as the tags gumbo could have built in the budget: each costs it at least
// ~175 bytes (an element's node, vectors and name). That only skips attempts bound to fail;
// the arena still decides.
constexpr std::size_t kTimeShrink = 4;
constexpr std::size_t kMemoryShrink = 2;
constexpr std::size_t kMinBytesPerTag = 160;
constexpr int kMaxAttempts = 6;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

// All the memory of one gumbo parse. Bump allocation from mapped chunks; gumbo's frees are
// ignored (it frees little before the tree is done: measured, its peak live memory is within
// 10% of all it ever asks for) and everything is unmapped at once, so no recursive
// gumbo_destroy_output ever runs. Past the byte budget or the CPU deadline it answers nullptr,
// on which the allocator hook unwinds out of the parse.
class ParseArena {
 public:
  ParseArena(std::size_t max_bytes, std::chrono::nanoseconds cpu_deadline)
      : max_bytes_(max_bytes), deadline_(cpu_deadline) {}
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;
  ~ParseArena() {
    for (const Mapping& m : mappings_) munmap(m.base, m.size);
  }

  // nullptr once over budget (exhausted() says which); never throws.
  void* allocate(std::size_t n) noexcept {
    if (exhausted_ != ParseCut::kNone) return nullptr;
    if (++allocations_ % kClockEvery == 0 && thread_cpu_time() > deadline_) {
      exhausted_ = ParseCut::kTime;
      return nullptr;
    }
    n = round_up(std::max<std::size_t>(n, 1), kAlign);
    if (n > kChunkBytes / 4) return map(round_up(n, page_size()));  // its own mapping
    if (n > static_cast<std::size_t>(end_ - next_)) {
      char* chunk = static_cast<char*>(map(kChunkBytes));
      if (chunk == nullptr) return nullptr;
      next_ = chunk;
      end_ = chunk + kChunkBytes;
    }
    void* p = next_;
    next_ += n;
    return p;
  }

  ParseCut exhausted() const { return exhausted_; }
  std::jmp_buf unwind;  // set by parse_in_arena, the only caller of gumbo

 private:
  struct Mapping {
    void* base;
    std::size_t size;
  };

  static std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return size;
  }

  void* map(std::size_t size) noexcept {
    if (size > max_bytes_ - std::min(max_bytes_, mapped_)) {
      exhausted_ = ParseCut::kMemory;
      return nullptr;
    }
    if (thread_cpu_time() > deadline_) {
      exhausted_ = ParseCut::kTime;
      return nullptr;
    }
    void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {  // the system's own limit (RLIMIT_AS): the same outcome
      exhausted_ = ParseCut::kMemory;
      return nullptr;
    }
    try {
      mappings_.push_back({base, size});
    } catch (...) {
      munmap(base, size);
      exhausted_ = ParseCut::kMemory;
      return nullptr;
    }
    mapped_ += size;
    return base;
  }

  const std::size_t max_bytes_;
  const std::chrono::nanoseconds deadline_;
  std::size_t mapped_ = 0;
  unsigned allocations_ = 0;
  char* next_ = nullptr;
  char* end_ = nullptr;
  std::vector<Mapping> mappings_;
  ParseCut exhausted_ = ParseCut::kNone;
};

namespace {

// gumbo's allocator hook. Out of budget, it leaves the parse with longjmp. That is sound
// here: the frames it skips are gumbo's (C, nothing to destroy) and this function's (no
// object with a destructor); everything gumbo allocated belongs to the arena, which the
// caller drops whole, and gumbo keeps no state outside its parser struct (on the skipped
// stack) and that memory. gumbo is never called again on the abandoned tree.
void* arena_allocate(void* arena, std::size_t size) {
  void* p = static_cast<ParseArena*>(arena)->allocate(size);
  if (p == nullptr) std::longjmp(static_cast<ParseArena*>(arena)->unwind, 1);
  return p;
}

void arena_free(void*, void*) {}

// gumbo's tree of html, or nullptr when the arena ran out first.
GumboOutput* parse_in_arena(ParseArena& arena, const GumboOptions& options, const char* html,
                            std::size_t length) {
  if (setjmp(arena.unwind) != 0) return nullptr;
  return gumbo_parse_with_options(&options, html, length);
}

// The start of the first element nested deeper than max_depth, or npos.
std::size_t first_offset_deeper_than(const GumboNode* document, std::size_t max_depth) {
  std::size_t first = std::string_view::npos;
  std::vector<std::pair<const GumboNode*, std::size_t>> stack{{document, 0}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
      if (depth > max_depth) {
        first = std::min<std::size_t>(first, node->v.element.start_pos.offset);
        continue;  // what is below starts later
      }
    }
    if (const GumboVector* children = children_of(node)) {
      for (unsigned i = 0; i < children->length; ++i) {
        stack.emplace_back(static_cast<const GumboNode*>(children->data[i]), depth + 1);
      }
    }
  }
  return first;
}

// The largest prefix length <= n that ends right before a '<' (or is empty): cutting there
// leaves no tag torn in two.
std::size_t before_tag(std::string_view html, std::size_t n) {
  if (n >= html.size()) return html.size();
  const std::size_t lt = html.rfind('<', n);
  return lt == std::string_view::npos ? 0 : lt;
}

// The offset of the tags-th '<' in html, or html.size() if it has fewer.
std::size_t offset_of_tag(std::string_view html, std::size_t tags) {
  for (std::size_t at = 0, seen = 0;; ++at, ++seen) {
    at = html.find('<', at);
    if (at == std::string_view::npos) return html.size();
    if (seen == tags) return at;
  }
}

std::string size_text(std::size_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  char text[32];
  if (bytes < (1u << 20)) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  }
  return text;
}

}  // namespace

ParseBudget budget_for_page(std::size_t page_bytes) {
  // Enough for ordinary markup (about 11 bytes of tree per byte of page: a 10 MB page of
  // paragraphs is saved whole), never more than 192 MiB (8 million <br> are cut there).
  constexpr std::size_t kPerByte = 16, kMin = 64u << 20, kMax = 192u << 20;
  ParseBudget budget;
  budget.max_bytes = std::clamp(std::min(page_bytes, kMax) * kPerByte, kMin, kMax);
  return budget;
}

GumboDocument::GumboDocument(std::string_view html, const ParseBudget& budget)
    : budget_(budget), options_(kGumboDefaultOptions) {
  options_.max_errors = 0;  // error records cost memory per bad token; we never read them
  options_.allocator = arena_allocate;
  options_.deallocator = arena_free;
  const char* data = html.empty() ? "" : html.data();

  std::size_t length = gumbo_safe_length(html);  // linear: not gumbo's work, not on the clock
  if (length < html.size()) cut_ = ParseCut::kDepth;
  const std::chrono::nanoseconds end = thread_cpu_time() + budget_.max_cpu;
  for (int attempt = 1; attempt <= kMaxAttempts && output_ == nullptr; ++attempt) {
    // Each attempt but the last gets half the time left: if it runs out, a shorter prefix
    // (a quarter, so a sixteenth of a quadratic cost) can still be parsed in the other half.
    const std::chrono::nanoseconds now = thread_cpu_time();
    const std::chrono::nanoseconds deadline =
        attempt == kMaxAttempts ? end : now + (end - std::min(now, end)) / 2;
    arena_.reset();
    arena_ = std::make_unique<ParseArena>(budget_.max_bytes, deadline);
    options_.userdata = arena_.get();
    output_ = parse_in_arena(*arena_, options_, data, length);
    if (output_ == nullptr) {
      cut_ = arena_->exhausted();
      length = cut_ == ParseCut::kTime
                   ? before_tag(html, length / kTimeShrink)
                   : before_tag(html, std::min(length / kMemoryShrink,
                                               offset_of_tag(html, budget_.max_bytes /
                                                                       kMinBytesPerTag)));
      continue;
    }
    const std::size_t too_deep = first_offset_deeper_than(output_->document, budget_.max_depth);
    if (too_deep != std::string_view::npos && length > 0) {  // (an empty document is 2 deep)
      cut_ = ParseCut::kDepth;
      length = before_tag(html, std::min(too_deep, length - 1));
      output_ = nullptr;
    }
  }
  if (output_ == nullptr) {  // nothing fitted: an empty document, a few KiB and microseconds
    length = 0;
    arena_.reset();
    arena_ = std::make_unique<ParseArena>(kChunkBytes * 2, std::chrono::nanoseconds::max());
    options_.userdata = arena_.get();
    output_ = parse_in_arena(*arena_, options_, data, 0);
  }
  parsed_length_ = length;
  if (parsed_length_ == html.size()) cut_ = ParseCut::kNone;
}

GumboDocument::~GumboDocument() = default;  // the arena holds the whole tree

std::string parse_cut_note(const GumboDocument& doc, std::size_t total_length) {
  std::string why;
  const ParseBudget& budget = doc.budget();
  switch (doc.cut()) {
    case ParseCut::kNone:
      return "";
    case ParseCut::kDepth:
      why = "elements nested more than " + std::to_string(budget.max_depth) + " deep";
      break;
    case ParseCut::kMemory:
      why = "parsing it needs more than " + std::to_string(budget.max_bytes >> 20) +
            " MiB of memory";
      break;
    case ParseCut::kTime: {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", budget.max_cpu.count() / 1000.0);
      why = std::string("parsing it takes more than ") + seconds + " s";
      break;
    }
  }
  return "the page's markup is too complex to save in full (" + why + "): the first " +
         size_text(doc.parsed_length()) + " of its " + size_text(total_length) + " were saved";
}

std::string parse_cut_meta(std::string_view note) {
  if (note.empty()) return "";
  std::string meta = "<meta name=\"linksnap-note\" content=\"";
  for (const char c : note) {
    switch (c) {
      case '&': meta += "&amp;"; break;
      case '"': meta += "&quot;"; break;
      case '<': meta += "&lt;"; break;
      case '>': meta += "&gt;"; break;
      default: meta += c;
    }
  }
  return meta + "\">";
}

}  // namespace linksnap::capture
